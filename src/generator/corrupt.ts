/**
 * Bad input rows at known positions. Each corrupted row breaks exactly one rule of
 * docs/data-rules.md, so its expected `reason_kind` is known; kinds are handed out in rotation so
 * even a small dataset gets every kind.
 */
import { Rng } from './prng';

export type CorruptionKind = 'invalid-json' | 'wrong-type' | 'missing-field' | 'empty-file' | 'not-object';

export interface CorruptionEntry {
  /** Path relative to the dataset root, with "/" separators. */
  file: string;
  /** 1-based line; a song file is line 1. */
  line: number;
  kind: CorruptionKind;
}

export const SONG_CORRUPTION_KINDS: readonly CorruptionKind[] = [
  'empty-file', 'invalid-json', 'wrong-type', 'missing-field', 'not-object',
];
export const EVENT_CORRUPTION_KINDS: readonly CorruptionKind[] = [
  'invalid-json', 'wrong-type', 'missing-field', 'not-object',
];

type Field = [key: string, text: string];

const SONG_REQUIRED = ['num_songs', 'artist_id', 'artist_name', 'song_id', 'title', 'duration', 'year'];
const EVENT_REQUIRED = ['auth', 'itemInSession', 'level', 'method', 'page', 'sessionId', 'status', 'ts', 'userId'];

function replaceField(fields: Field[], key: string, text: string): Field[] {
  return fields.map(([k, v]) => [k, k === key ? text : v] as Field);
}

/** A proper prefix of an object's text never parses: the closing brace is its last character. */
function truncate(text: string, rng: Rng): string {
  return text.slice(0, 1 + rng.int(text.length - 1));
}

/** Variants of a number-or-string field given the wrong JSON type; `variant` rotates them. */
function songWrongType(fields: Field[], variant: number): Field[] {
  const get = (key: string) => (fields.find(([k]) => k === key) as Field)[1];
  switch (variant % 7) {
    case 0: return replaceField(fields, 'duration', '"abc"');
    case 1: return replaceField(fields, 'year', `"${get('year')}"`);
    case 2: return replaceField(fields, 'num_songs', '"1"');
    case 3: return replaceField(fields, 'artist_latitude', '"41.88415"');
    case 4: return replaceField(fields, 'title', '1999');
    case 5: return replaceField(fields, 'year', '1999.5');
    default: return replaceField(fields, 'artist_name', 'false');
  }
}

function eventWrongType(fields: Field[], variant: number): Field[] {
  const get = (key: string) => (fields.find(([k]) => k === key) as Field)[1];
  switch (variant % 8) {
    case 0: return replaceField(fields, 'ts', `"${get('ts')}"`);
    case 1: return replaceField(fields, 'itemInSession', `"${get('itemInSession')}"`);
    case 2: return replaceField(fields, 'sessionId', `"${get('sessionId')}"`);
    case 3: return replaceField(fields, 'status', `"${get('status')}"`);
    case 4: {
      // A numeric user id written as a number, not a string.
      const userId = get('userId');
      return replaceField(fields, 'userId', userId === '""' ? '0' : userId.replace(/"/g, ''));
    }
    case 5: {
      const length = get('length');
      return replaceField(fields, 'length', length === 'null' ? '"n/a"' : `"${length}"`);
    }
    case 6: return replaceField(fields, 'ts', `${get('ts')}.5`);
    default: return replaceField(fields, 'auth', 'true');
  }
}

/** Removes one required field, or (every third variant) sets it to null: both are missing. */
function missingField(fields: Field[], required: readonly string[], variant: number): Field[] {
  const key = required[variant % required.length];
  if (variant % 3 === 2) return replaceField(fields, key, 'null');
  return fields.filter(([k]) => k !== key);
}

/** Renders fields as the file's JSON object text (song or event style). */
export type ObjectFormat = (fields: ReadonlyArray<readonly [string, string]>) => string;

/** The bad content of a song file and the kind the pipeline must record for it. */
export function corruptSongFile(
  fields: Field[], kindIndex: number, rng: Rng, format: ObjectFormat,
): { content: string; kind: CorruptionKind } {
  const kind = SONG_CORRUPTION_KINDS[kindIndex % SONG_CORRUPTION_KINDS.length];
  const variant = Math.floor(kindIndex / SONG_CORRUPTION_KINDS.length);
  switch (kind) {
    case 'empty-file':
      return { content: '', kind };
    case 'invalid-json':
      // Half truncated uploads, half files that are not JSON at all.
      return {
        content: variant % 2 === 0 ? truncate(format(fields), rng) : '<Error><Code>SlowDown</Code></Error>\n',
        kind,
      };
    case 'wrong-type':
      return { content: format(songWrongType(fields, variant)), kind };
    case 'missing-field':
      return { content: format(missingField(fields, SONG_REQUIRED, variant)), kind };
    default:
      return { content: variant % 2 === 0 ? `[${format(fields)}]` : fields[1][1], kind };
  }
}

/** The bad text of one event line (no newline) and its kind. */
export function corruptEventLine(
  fields: Field[], kindIndex: number, rng: Rng, format: ObjectFormat,
): { line: string; kind: CorruptionKind } {
  const kind = EVENT_CORRUPTION_KINDS[kindIndex % EVENT_CORRUPTION_KINDS.length];
  const variant = Math.floor(kindIndex / EVENT_CORRUPTION_KINDS.length);
  switch (kind) {
    case 'invalid-json':
      return { line: variant % 2 === 0 ? truncate(format(fields), rng) : `${format(fields)},`, kind };
    case 'wrong-type':
      return { line: format(eventWrongType(fields, variant)), kind };
    case 'missing-field':
      return { line: format(missingField(fields, EVENT_REQUIRED, variant)), kind };
    default: {
      const shapes = [`[${format(fields)}]`, '42', '"NextSong"', 'null'];
      return { line: shapes[variant % shapes.length], kind };
    }
  }
}
