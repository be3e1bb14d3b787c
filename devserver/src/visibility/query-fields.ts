/**
 * What a field name in a list filter refers to: a system search attribute read from the record's own
 * columns (with a fixed type, so literals are checked once at compile time), or a custom search attribute
 * read from `record.searchAttributes` (typed by its stored value, so literals are coerced per record).
 */
import { VisibilityQueryError } from './query-error';
import { Literal } from './query-parser';
import { parseExecutionStatus, parseGoDuration, parseRfc3339 } from './query-values';
import { VisibilityRecord } from './record';

export type Scalar = string | number | boolean;
export type SystemFieldKind = 'keyword' | 'status' | 'datetime' | 'int' | 'duration';

export interface SystemField {
  name: string;
  kind: SystemFieldKind;
  /** Keywords are strings; status is its enum number; datetimes are epoch ms; durations are nanoseconds. */
  read(record: VisibilityRecord): string | number | null;
}

const SYSTEM_FIELDS: SystemField[] = [
  { name: 'WorkflowId', kind: 'keyword', read: (r) => r.workflowId },
  { name: 'WorkflowType', kind: 'keyword', read: (r) => r.workflowType },
  { name: 'RunId', kind: 'keyword', read: (r) => r.runId },
  { name: 'TaskQueue', kind: 'keyword', read: (r) => r.taskQueue },
  { name: 'ExecutionStatus', kind: 'status', read: (r) => r.status },
  { name: 'StartTime', kind: 'datetime', read: (r) => r.startTime },
  { name: 'ExecutionTime', kind: 'datetime', read: (r) => r.executionTime },
  { name: 'CloseTime', kind: 'datetime', read: (r) => r.closeTime ?? null },
  { name: 'HistoryLength', kind: 'int', read: (r) => r.historyLength },
  {
    name: 'ExecutionDuration',
    kind: 'duration',
    read: (r) => (r.closeTime === undefined ? null : (r.closeTime - r.executionTime) * 1e6),
  },
];

/** Every system search attribute a list filter knows. */
export function systemFields(): readonly SystemField[] {
  return SYSTEM_FIELDS;
}

const SYSTEM_FIELDS_BY_NAME = new Map(SYSTEM_FIELDS.map((field) => [field.name, field]));

export function findSystemField(name: string): SystemField | undefined {
  return SYSTEM_FIELDS_BY_NAME.get(name);
}

/** The system field a name matches ignoring case ('workflowid' -> WorkflowId), for typo errors. */
export function findSystemFieldIgnoringCase(name: string): SystemField | undefined {
  const lower = name.toLowerCase();
  return SYSTEM_FIELDS.find((field) => field.name.toLowerCase() === lower);
}

/** Converts a literal to the system field's value space, or explains (with the position) why it cannot. */
export function systemLiteral(field: SystemField, literal: Literal): string | number {
  const shown = literal.kind === 'string' ? `'${literal.value}'` : String(literal.value);
  const fail = (expected: string) =>
    new VisibilityQueryError(`invalid value ${shown} for ${field.name} at position ${literal.position}: expected ${expected}`);
  switch (field.kind) {
    case 'keyword':
      if (literal.kind !== 'string') throw fail('a quoted string');
      return literal.value;
    case 'status': {
      if (literal.kind === 'number' && Number.isInteger(literal.value)) return literal.value;
      const status = literal.kind === 'string' ? parseExecutionStatus(literal.value) : undefined;
      if (status === undefined) {
        throw fail("one of 'Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut'");
      }
      return status;
    }
    case 'datetime': {
      // Integers are epoch nanoseconds, as the real server accepts them.
      if (literal.kind === 'number' && Number.isInteger(literal.value)) return literal.value / 1e6;
      const ms = literal.kind === 'string' ? parseRfc3339(literal.value) : undefined;
      if (ms === undefined) throw fail("an RFC3339 time such as '2024-01-31T12:00:00Z'");
      return ms;
    }
    case 'int':
      if (literal.kind !== 'number' || !Number.isInteger(literal.value)) throw fail('an integer');
      return literal.value;
    case 'duration': {
      if (literal.kind === 'number' && Number.isInteger(literal.value)) return literal.value;
      const ns = literal.kind === 'string' ? parseGoDuration(literal.value) : undefined;
      if (ns === undefined) throw fail("a duration such as '90s' or '1h30m', or integer nanoseconds");
      return ns;
    }
  }
}

/**
 * A custom attribute's stored value as a list of scalars (a KeywordList is many; a missing value is none).
 * Datetimes stay strings here; comparisons and ordering interpret them.
 */
export function readCustom(record: VisibilityRecord, name: string): Scalar[] | null {
  const raw = record.searchAttributes?.[name];
  if (raw === undefined || raw === null) return null;
  const values = Array.isArray(raw) ? raw : [raw];
  const scalars: Scalar[] = [];
  for (const value of values) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') scalars.push(value);
    else if (value instanceof Date) scalars.push(value.toISOString());
  }
  return scalars.length ? scalars : null;
}

/**
 * Orders a custom attribute's stored value against a literal, typed by the stored value:
 * numbers compare numerically, booleans as booleans, strings as times when both sides are times,
 * otherwise as strings. Undefined means the two cannot be compared (the predicate is false).
 */
export function compareCustom(stored: Scalar, literal: Literal): number | undefined {
  if (typeof stored === 'number') {
    const value = literal.kind === 'number' ? literal.value : literal.kind === 'string' ? numericText(literal.value) : undefined;
    return value === undefined ? undefined : compareScalars(stored, value);
  }
  if (typeof stored === 'boolean') {
    const value = literal.kind === 'boolean' ? literal.value : literal.kind === 'string' ? booleanText(literal.value) : undefined;
    return value === undefined ? undefined : compareScalars(stored, value);
  }
  if (literal.kind !== 'string') return undefined;
  const literalTime = parseRfc3339(literal.value);
  if (literalTime !== undefined) {
    const storedTime = storedTimeMs(stored);
    if (storedTime !== undefined) return compareScalars(storedTime, literalTime);
  }
  return compareScalars(stored, literal.value);
}

/** Epoch ms of a stored datetime string (the engine may store any ISO form), else undefined. */
export function storedTimeMs(stored: string): number | undefined {
  const strict = parseRfc3339(stored);
  if (strict !== undefined) return strict;
  if (!/^\d{4}-\d{2}-\d{2}T/.test(stored)) return undefined;
  const parsed = Date.parse(stored);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function compareScalars(a: Scalar, b: Scalar): number | undefined {
  if (typeof a !== typeof b) return undefined;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function numericText(text: string): number | undefined {
  if (!/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text.trim())) return undefined;
  return Number(text);
}

function booleanText(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}
