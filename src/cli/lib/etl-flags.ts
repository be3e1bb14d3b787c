/** The options that shape a sparkifyEtl input, shared by `up` and `run`. */
import * as path from 'node:path';
import { Option, type Command } from 'commander';
import type { SparkifyEtlInput, WarehouseProviderName } from '../../contract';
import { InvalidInputError, MAX_CONCURRENCY, MAX_PARTITIONS, resolveInput, WAREHOUSE_PROVIDERS } from '../../workflows/input';
import { integerIn, UsageError } from './options';

/** What commander parses the ETL options into. */
export interface EtlOptions {
  source?: string;
  provider?: WarehouseProviderName;
  concurrency?: number;
  partitions?: number;
  maxErrors?: number;
  keepWarehouse?: boolean;
  json?: boolean;
}

/** Adds the ETL options to `command`; `--source` is mandatory when `sourceRequired`. */
export function addEtlOptions(command: Command, { sourceRequired }: { sourceRequired: boolean }): Command {
  return command
    .addOption(
      new Option('--source <dir>', 'directory holding song_data/ and log_data/').makeOptionMandatory(sourceRequired),
    )
    .addOption(
      new Option('--provider <name>', 'warehouse: local (embedded PostgreSQL, default) or postgres ($SPARKIFY_POSTGRES_URL)').choices(
        WAREHOUSE_PROVIDERS,
      ),
    )
    .option('--concurrency <n>', 'COPY activities in flight per staging kind (default 2)', integerIn(1, MAX_CONCURRENCY))
    .option('--partitions <n>', 'partitions per staging kind (default 2 x concurrency)', integerIn(1, MAX_PARTITIONS))
    .option('--max-errors <n>', 'rejected rows tolerated before the run fails (default 0)', integerIn(0))
    .option('--keep-warehouse', 'keep the warehouse after the run and print where it is')
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)');
}

/** Builds the workflow input from the options, checked with the workflow's own validation. */
export function etlInputFromOptions(options: EtlOptions, sourceDir: string): SparkifyEtlInput {
  const input: SparkifyEtlInput = { source: { type: 'local', path: path.resolve(sourceDir) } };
  if (options.provider !== undefined) input.warehouse = { provider: options.provider };
  if (options.concurrency !== undefined) input.concurrency = options.concurrency;
  if (options.partitions !== undefined) input.partitions = options.partitions;
  if (options.maxErrors !== undefined) input.maxErrors = options.maxErrors;
  if (options.keepWarehouse) input.keepWarehouse = true;
  try {
    resolveInput(input);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new UsageError(err.message);
    throw err;
  }
  return input;
}
