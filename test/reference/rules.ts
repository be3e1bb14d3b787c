/**
 * docs/data-rules.md, "Input rows" and "Field types", implemented independently of the pipeline
 * (no shared code with its SQL or loaders) and of the generator (it only reads files).
 */

export type ReasonKind = 'invalid-json' | 'not-object' | 'missing-field' | 'wrong-type' | 'empty-file';

type FieldType = 'string' | 'number' | 'integer';

interface FieldRule {
  name: string;
  type: FieldType;
  required: boolean;
}

/** Field rules in the order of the table in docs/data-rules.md; the first broken rule decides. */
export const EVENT_RULES: readonly FieldRule[] = [
  { name: 'artist', type: 'string', required: false },
  { name: 'auth', type: 'string', required: true },
  { name: 'firstName', type: 'string', required: false },
  { name: 'gender', type: 'string', required: false },
  { name: 'itemInSession', type: 'integer', required: true },
  { name: 'lastName', type: 'string', required: false },
  { name: 'length', type: 'number', required: false },
  { name: 'level', type: 'string', required: true },
  { name: 'location', type: 'string', required: false },
  { name: 'method', type: 'string', required: true },
  { name: 'page', type: 'string', required: true },
  { name: 'registration', type: 'number', required: false },
  { name: 'sessionId', type: 'integer', required: true },
  { name: 'song', type: 'string', required: false },
  { name: 'status', type: 'integer', required: true },
  { name: 'ts', type: 'integer', required: true },
  { name: 'userAgent', type: 'string', required: false },
  { name: 'userId', type: 'string', required: true },
];

export const SONG_RULES: readonly FieldRule[] = [
  { name: 'num_songs', type: 'integer', required: true },
  { name: 'artist_id', type: 'string', required: true },
  { name: 'artist_latitude', type: 'number', required: false },
  { name: 'artist_longitude', type: 'number', required: false },
  { name: 'artist_location', type: 'string', required: false },
  { name: 'artist_name', type: 'string', required: true },
  { name: 'song_id', type: 'string', required: true },
  { name: 'title', type: 'string', required: true },
  { name: 'duration', type: 'number', required: true },
  { name: 'year', type: 'integer', required: true },
];

export interface EventRow {
  artist: string | null;
  auth: string;
  firstName: string | null;
  gender: string | null;
  itemInSession: number;
  lastName: string | null;
  length: number | null;
  level: string;
  location: string | null;
  method: string;
  page: string;
  registration: number | null;
  sessionId: number;
  song: string | null;
  status: number;
  ts: number;
  userAgent: string | null;
  userId: string;
}

export interface SongRow {
  num_songs: number;
  artist_id: string;
  artist_latitude: number | null;
  artist_longitude: number | null;
  artist_location: string | null;
  artist_name: string;
  song_id: string;
  title: string;
  duration: number;
  year: number;
}

export type Verdict<T> = { ok: true; row: T } | { ok: false; kind: ReasonKind; reason: string };

function hasType(value: unknown, type: FieldType): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'number') return typeof value === 'number';
  return typeof value === 'number' && Number.isInteger(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function checkObject<T>(text: string, rules: readonly FieldRule[]): Verdict<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, kind: 'invalid-json', reason: `not valid JSON: ${(err as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, kind: 'not-object', reason: `expected a JSON object, got ${value === null ? 'null' : describe(value)}` };
  }
  const record = value as Record<string, unknown>;
  for (const rule of rules) {
    const field = Object.prototype.hasOwnProperty.call(record, rule.name) ? record[rule.name] : undefined;
    if (field === undefined || field === null) {
      if (rule.required) {
        return { ok: false, kind: 'missing-field', reason: `field "${rule.name}": required, ${field === null ? 'null' : 'missing'}` };
      }
      continue;
    }
    if (!hasType(field, rule.type)) {
      return { ok: false, kind: 'wrong-type', reason: `field "${rule.name}": expected ${rule.type}, got ${describe(field)}` };
    }
  }
  const row: Record<string, unknown> = {};
  for (const rule of rules) row[rule.name] = record[rule.name] ?? null;
  return { ok: true, row: row as T };
}

/** One event row (a non-blank line). */
export function checkEventLine(line: string): Verdict<EventRow> {
  return checkObject<EventRow>(line, EVENT_RULES);
}

/** One song file's whole content. Zero bytes, or only whitespace, is an empty file. */
export function checkSongFile(content: string): Verdict<SongRow> {
  if (content.trim() === '') return { ok: false, kind: 'empty-file', reason: 'empty file' };
  return checkObject<SongRow>(content, SONG_RULES);
}

/**
 * The lines of an event file with their 1-based numbers, blank lines left out. Lines end at
 * "\n"; a final newline does not start another line.
 */
export function eventRows(content: string): Array<{ line: number; text: string }> {
  const lines = content.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rows: Array<{ line: number; text: string }> = [];
  lines.forEach((text, i) => {
    if (text.trim() !== '') rows.push({ line: i + 1, text });
  });
  return rows;
}
