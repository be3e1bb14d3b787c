/** The flags that shape a sparkifyEtl input, shared by `up` and `run`. */
import * as path from 'node:path';
import type { SparkifyEtlInput, WarehouseProviderName } from '../../contract';
import { InvalidInputError, MAX_CONCURRENCY, MAX_PARTITIONS, resolveInput } from '../../workflows/input';
import { UsageError, type FlagSpecs, type ParsedFlags } from './args';

export const ETL_FLAGS = {
  source: { type: 'string', valueName: 'DIR', description: 'directory holding song_data/ and log_data/' },
  provider: { type: 'string', valueName: 'NAME', description: 'warehouse: local (embedded PostgreSQL, default) or postgres' },
  concurrency: {
    type: 'integer',
    min: 1,
    max: MAX_CONCURRENCY,
    description: 'COPY activities in flight per staging kind (default 2)',
  },
  partitions: {
    type: 'integer',
    min: 1,
    max: MAX_PARTITIONS,
    description: 'partitions per staging kind (default 2 x concurrency)',
  },
  'max-errors': { type: 'integer', min: 0, description: 'rejected rows tolerated before the run fails (default 0)' },
  'keep-warehouse': { type: 'boolean', description: 'keep the warehouse after the run and print where it is' },
  json: { type: 'boolean', description: 'print the result as JSON on stdout (progress goes to stderr)' },
} satisfies FlagSpecs;

/** Builds the workflow input from flags, checked with the workflow's own validation. */
export function etlInputFromFlags(flags: ParsedFlags<typeof ETL_FLAGS>, sourceDir: string): SparkifyEtlInput {
  const input: SparkifyEtlInput = { source: { type: 'local', path: path.resolve(sourceDir) } };
  if (flags.provider !== undefined) input.warehouse = { provider: flags.provider as WarehouseProviderName };
  if (flags.concurrency !== undefined) input.concurrency = flags.concurrency;
  if (flags.partitions !== undefined) input.partitions = flags.partitions;
  if (flags['max-errors'] !== undefined) input.maxErrors = flags['max-errors'];
  if (flags['keep-warehouse']) input.keepWarehouse = true;
  try {
    resolveInput(input);
  } catch (err) {
    if (err instanceof InvalidInputError) throw new UsageError(err.message);
    throw err;
  }
  return input;
}
