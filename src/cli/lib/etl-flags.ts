/** The options that shape a sparkifyEtl input, shared by `up` and `run`. */
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import { sourceFromConfig, type DwhConfig } from '../../config/dwh-cfg';
import type { QualityMode, SourceRef, SparkifyEtlInput, WarehouseProviderName } from '../../contract';
import { isS3Url } from '../../contract/source-location';
import { fromConfig } from './config-option';
import { InvalidInputError, MAX_CONCURRENCY, MAX_PARTITIONS, QUALITY_MODES, resolveInput, WAREHOUSE_PROVIDERS } from '../../workflows/input';
import { integerIn, UsageError } from './options';

/** What commander parses the ETL options into. */
export interface EtlOptions {
  source?: string;
  /** false with --no-sign-request */
  signRequest?: boolean;
  region?: string;
  config?: string;
  provider?: WarehouseProviderName;
  concurrency?: number;
  partitions?: number;
  maxErrors?: number;
  keepWarehouse?: boolean;
  quality?: QualityMode;
  incremental?: boolean;
  warehouseName?: string;
  from?: string;
  to?: string;
  reloadChanged?: boolean;
  lockWait?: number;
  json?: boolean;
}

/** The flags that only mean something with --incremental. */
const INCREMENTAL_ONLY = [
  ['warehouseName', '--warehouse-name'],
  ['from', '--from'],
  ['to', '--to'],
  ['reloadChanged', '--reload-changed'],
  ['lockWait', '--lock-wait'],
] as const;

/** Adds the ETL options to `command`; `--source` is mandatory when `sourceRequired`. */
export function addEtlOptions(command: Command, { sourceRequired }: { sourceRequired: boolean }): Command {
  return command
    .addOption(
      new Option(
        '--source <dir|s3-url>',
        `a directory or s3://bucket/prefix holding song_data/ and log_data/${sourceRequired ? ' (or [S3] of --config)' : ''}`,
      ),
    )
    .option('--no-sign-request', 's3: send unsigned requests (public buckets such as udacity-dend)')
    .option('--region <name>', 's3: the bucket\'s region (default $AWS_REGION, [AWS] REGION of --config, or us-east-1)')
    .addOption(
      new Option('--provider <name>', 'warehouse: local (embedded PostgreSQL, default), postgres ($SPARKIFY_POSTGRES_URL) or redshift ([DWH] or [CLUSTER] of --config)').choices(
        WAREHOUSE_PROVIDERS,
      ),
    )
    .option('--concurrency <n>', 'COPY activities in flight per staging kind (default 2)', integerIn(1, MAX_CONCURRENCY))
    .option('--partitions <n>', 'partitions per staging kind (default 2 x concurrency)', integerIn(1, MAX_PARTITIONS))
    .option('--max-errors <n>', 'rejected rows tolerated before the run fails (default 0)', integerIn(0))
    .option('--keep-warehouse', 'keep the warehouse after the run and print where it is')
    .addOption(
      new Option('--quality <mode>', 'a failed data-quality check fails the run (fail, default) or is only reported (warn)').choices(QUALITY_MODES),
    )
    .option('--incremental', 'load only files not loaded before into the long-lived warehouse --warehouse-name')
    .option('--warehouse-name <name>', 'incremental: the long-lived warehouse (created on first use, never torn down)')
    .option('--from <YYYY-MM-DD>', 'incremental: only event files of this day or later (backfills)')
    .option('--to <YYYY-MM-DD>', 'incremental: only event files of this day or earlier')
    .option('--reload-changed', 'incremental: load again files that changed since they were loaded (their rows are replaced)')
    .option('--lock-wait <seconds>', 'incremental: wait this long for another run loading the warehouse (default 600)', integerIn(0, 86_400))
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)');
}

/**
 * The source the options name: --source (a directory or s3://bucket/prefix) wins over the [S3]
 * section of --config; undefined when neither gives one.
 */
export function sourceFromOptions(options: EtlOptions, config: DwhConfig | undefined): SourceRef | undefined {
  let source: SourceRef | undefined;
  if (options.source !== undefined) {
    source = isS3Url(options.source) ? { type: 's3', path: options.source.trim() } : { type: 'local', path: path.resolve(options.source) };
    if (source.type === 's3') {
      const region = config?.values.AWS?.REGION ?? config?.values.DWH?.DWH_REGION;
      if (region !== undefined) source.region = region;
    }
  } else if (config) {
    source = fromConfig(() => sourceFromConfig(config));
    if (source?.type === 'local') {
      if (source.logData !== undefined) source.logData = path.resolve(source.logData);
      if (source.songData !== undefined) source.songData = path.resolve(source.songData);
    }
  }
  if (source === undefined) return undefined;
  if (options.signRequest === false || options.region !== undefined) {
    if (source.type !== 's3') throw new UsageError(`${options.signRequest === false ? '--no-sign-request' : '--region'} applies to an s3:// source only`);
    if (options.signRequest === false) source.anonymous = true;
    if (options.region !== undefined) source.region = options.region;
  }
  return source;
}

/** Builds the workflow input from the options, checked with the workflow's own validation. */
export function etlInputFromOptions(options: EtlOptions, source: SourceRef | string, config?: DwhConfig): SparkifyEtlInput {
  const resolved = typeof source === 'string' ? sourceFromOptions({ ...options, source }, config)! : source;
  const input: SparkifyEtlInput = { source: resolved };
  if (options.provider !== undefined) input.warehouse = { provider: options.provider };
  if (options.concurrency !== undefined) input.concurrency = options.concurrency;
  if (options.partitions !== undefined) input.partitions = options.partitions;
  if (options.maxErrors !== undefined) input.maxErrors = options.maxErrors;
  if (options.keepWarehouse) input.keepWarehouse = true;
  if (options.quality !== undefined) input.quality = options.quality;
  if (options.incremental) {
    if (options.warehouseName === undefined) throw new UsageError('--incremental needs --warehouse-name NAME (the long-lived warehouse to load into)');
    input.incremental = { warehouseName: options.warehouseName };
    if (options.from !== undefined) input.incremental.from = options.from;
    if (options.to !== undefined) input.incremental.to = options.to;
    if (options.reloadChanged) input.incremental.reloadChanged = true;
    if (options.lockWait !== undefined) input.incremental.lockWaitSeconds = options.lockWait;
  } else {
    const stray = INCREMENTAL_ONLY.find(([key]) => options[key] !== undefined);
    if (stray) throw new UsageError(`${stray[1]} applies to --incremental runs only`);
  }
  try {
    resolveInput(input);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new UsageError(flagMessage(err.message));
    throw err;
  }
  return input;
}

/** The workflow's message in the flags' words (input.incremental.from → --from). */
function flagMessage(message: string): string {
  return message
    .replace('input.incremental.warehouseName', '--warehouse-name')
    .replace('input.incremental.lockWaitSeconds', '--lock-wait')
    .replace(/input\.incremental\.(from|to)/g, '--$1');
}
