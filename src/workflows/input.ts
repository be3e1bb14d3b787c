/**
 * The workflow's input checked and resolved, run at workflow start (and by the CLI before it
 * starts anything), and the warehouse id a run derives from its workflow id. Pure and
 * deterministic: safe inside the workflow sandbox.
 */
import { NAMED_WAREHOUSE_PREFIX, type QualityMode, type ResolvedEtlInput, type SourceRef, type SparkifyEtlInput, type WarehouseProviderName } from '../contract';
import { checkSourceRef, SourceLocationError } from '../contract/source-location';
import { fnv1a32 } from '../shared/fnv1a';

export const MAX_CONCURRENCY = 64;
export const MAX_PARTITIONS = 1024;

const KNOWN_FIELDS = ['source', 'warehouse', 'concurrency', 'partitions', 'maxErrors', 'keepWarehouse', 'quality', 'incremental'];
const INCREMENTAL_FIELDS = ['warehouseName', 'from', 'to', 'reloadChanged', 'lockWaitSeconds'];
/** A long-lived warehouse's name: also its directory and (prefixed) its schema, so plain. */
export const WAREHOUSE_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
export const DEFAULT_LOCK_WAIT_SECONDS = 600;
const SOURCE_FIELDS = ['type', 'path', 'logData', 'songData', 'logJsonPath', 'anonymous', 'region'];
/** Every provider name, once: the compiler fails here when the contract's union changes. */
export const WAREHOUSE_PROVIDERS = Object.keys({ local: true, postgres: true, redshift: true } satisfies Record<WarehouseProviderName, true>);
const PROVIDERS = WAREHOUSE_PROVIDERS;
/** What a failed quality check does: fail the run, or be listed in its result. */
export const QUALITY_MODES = Object.keys({ fail: true, warn: true } satisfies Record<QualityMode, true>);

/** Thrown for a bad input; the workflow turns it into a non-retryable ApplicationFailure `InvalidInput`. */
export class InvalidInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    throw new InvalidInputError(field, `${field} must be an integer ${range}, got ${shown(value)}`);
  }
  return value;
}

/** Applies the defaults and checks every field; throws InvalidInputError naming the first bad one. */
export function resolveInput(raw: unknown): ResolvedEtlInput {
  if (!isRecord(raw)) {
    throw new InvalidInputError('input', `input must be an object, got ${shown(raw)}`);
  }
  const input = raw as Record<string, unknown> & Partial<SparkifyEtlInput>;
  for (const key of Object.keys(input)) {
    if (!KNOWN_FIELDS.includes(key)) {
      throw new InvalidInputError(`input.${key}`, `input.${key} is not a known field (known: ${KNOWN_FIELDS.join(', ')})`);
    }
  }

  const source: unknown = input.source;
  if (!isRecord(source)) {
    throw new InvalidInputError('input.source', `input.source must be { type: 'local' | 's3', path } or { type, logData, songData }, got ${shown(source)}`);
  }
  for (const key of Object.keys(source)) {
    if (!SOURCE_FIELDS.includes(key)) {
      throw new InvalidInputError(`input.source.${key}`, `input.source.${key} is not a known field (known: ${SOURCE_FIELDS.join(', ')})`);
    }
  }
  try {
    checkSourceRef(source as unknown as SourceRef);
  } catch (err) {
    if (err instanceof SourceLocationError) {
      const field = err.field.startsWith('source.') ? `input.${err.field}` : `input.source.${err.field}`;
      const message = err.message.startsWith('source.') ? `input.${err.message}` : `input.source: ${err.message}`;
      throw new InvalidInputError(field, message);
    }
    throw err;
  }
  const resolvedSource = Object.fromEntries(
    SOURCE_FIELDS.filter((key) => source[key] !== undefined).map((key) => [key, source[key]]),
  ) as unknown as SourceRef;

  let provider: ResolvedEtlInput['warehouse']['provider'] = 'local';
  if (input.warehouse !== undefined) {
    const warehouse: unknown = input.warehouse;
    if (!isRecord(warehouse)) {
      throw new InvalidInputError('input.warehouse', `input.warehouse must be { provider }, got ${shown(warehouse)}`);
    }
    if (typeof warehouse.provider !== 'string' || !PROVIDERS.includes(warehouse.provider)) {
      throw new InvalidInputError(
        'input.warehouse.provider',
        `input.warehouse.provider must be one of ${PROVIDERS.map((p) => `"${p}"`).join(', ')}, got ${shown(warehouse.provider)}`,
      );
    }
    provider = warehouse.provider as WarehouseProviderName;
  }

  const concurrency =
    input.concurrency === undefined ? 2 : integerIn('input.concurrency', input.concurrency, 1, MAX_CONCURRENCY);
  const partitions =
    input.partitions === undefined
      ? Math.min(2 * concurrency, MAX_PARTITIONS)
      : integerIn('input.partitions', input.partitions, 1, MAX_PARTITIONS);
  const maxErrors =
    input.maxErrors === undefined ? 0 : integerIn('input.maxErrors', input.maxErrors, 0, Number.MAX_SAFE_INTEGER);
  if (input.keepWarehouse !== undefined && typeof input.keepWarehouse !== 'boolean') {
    throw new InvalidInputError(
      'input.keepWarehouse',
      `input.keepWarehouse must be true or false, got ${shown(input.keepWarehouse)}`,
    );
  }

  if (input.quality !== undefined && !QUALITY_MODES.includes(input.quality as string)) {
    throw new InvalidInputError(
      'input.quality',
      `input.quality must be one of ${QUALITY_MODES.map((m) => `"${m}"`).join(', ')}, got ${shown(input.quality)}`,
    );
  }

  return {
    source: resolvedSource,
    warehouse: { provider },
    concurrency,
    partitions,
    maxErrors,
    keepWarehouse: input.keepWarehouse === true,
    quality: input.quality ?? 'fail',
    ...(input.incremental === undefined ? {} : { incremental: resolveIncremental(input.incremental) }),
  };
}

/** A calendar day YYYY-MM-DD that exists (2026-02-30 does not). */
function isDay(text: string): boolean {
  const match = DAY.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function resolveIncremental(raw: unknown): NonNullable<ResolvedEtlInput['incremental']> {
  if (!isRecord(raw)) {
    throw new InvalidInputError('input.incremental', `input.incremental must be { warehouseName, from?, to?, reloadChanged? }, got ${shown(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (!INCREMENTAL_FIELDS.includes(key)) {
      throw new InvalidInputError(`input.incremental.${key}`, `input.incremental.${key} is not a known field (known: ${INCREMENTAL_FIELDS.join(', ')})`);
    }
  }
  const { warehouseName, from, to, reloadChanged, lockWaitSeconds } = raw;
  if (typeof warehouseName !== 'string' || !WAREHOUSE_NAME.test(warehouseName)) {
    throw new InvalidInputError(
      'input.incremental.warehouseName',
      `input.incremental.warehouseName must be a lowercase letter then up to 39 of a-z, 0-9, _, got ${shown(warehouseName)}`,
    );
  }
  for (const [field, value] of [['from', from], ['to', to]] as const) {
    if (value !== undefined && (typeof value !== 'string' || !isDay(value))) {
      throw new InvalidInputError(`input.incremental.${field}`, `input.incremental.${field} must be a day YYYY-MM-DD, got ${shown(value)}`);
    }
  }
  if (typeof from === 'string' && typeof to === 'string' && from > to) {
    throw new InvalidInputError('input.incremental.to', `input.incremental.to (${to}) is before input.incremental.from (${from})`);
  }
  if (reloadChanged !== undefined && typeof reloadChanged !== 'boolean') {
    throw new InvalidInputError('input.incremental.reloadChanged', `input.incremental.reloadChanged must be true or false, got ${shown(reloadChanged)}`);
  }
  return {
    warehouseName,
    ...(from === undefined ? {} : { from: from as string }),
    ...(to === undefined ? {} : { to: to as string }),
    ...(reloadChanged === true ? { reloadChanged: true } : {}),
    lockWaitSeconds:
      lockWaitSeconds === undefined ? DEFAULT_LOCK_WAIT_SECONDS : integerIn('input.incremental.lockWaitSeconds', lockWaitSeconds, 0, 86_400),
  };
}

/** The warehouse id of a long-lived warehouse: its name, kept apart from run warehouses (wf_…). */
export function namedWarehouseId(warehouseName: string): string {
  return `${NAMED_WAREHOUSE_PREFIX}${warehouseName}`;
}

/**
 * A warehouse id that is a valid directory name and SQL identifier, derived only from the
 * workflow id (so a retried or replayed provision asks for the same warehouse).
 */
export function warehouseIdFor(workflowId: string): string {
  // The hash keeps ids that differ only in stripped characters apart.
  const hash = fnv1a32(workflowId);
  const slug = workflowId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  return `wf_${slug ? `${slug}_` : ''}${hash.toString(16).padStart(8, '0')}`;
}
