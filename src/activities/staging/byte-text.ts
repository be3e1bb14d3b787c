import { fastColumns } from './fast-row';
import type { FieldRule, ReasonKind } from './rules';
import { validateText } from './text-row';

/**
 * Valid UTF-8 input is handled as a "byte string": decoded as latin1, one char per byte, which is
 * a copy rather than a UTF-8 decode, and written back to the COPY stream as latin1, which restores
 * the exact bytes. JSON.parse reads such a string the same way, because every non-ASCII byte lies
 * inside a string value and JSON escapes other than \u yield ASCII. Rows with \u escapes, and
 * rejected rows (whose reasons and raw text must be real text), take the UTF-8 path.
 */

const NON_ASCII = /[\u0080-\uffff]/;
const NON_SPACE = /\S/;

export function utf8FromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export function bytesFromUtf8(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/** Whether a byte-string line is blank as text (whitespace only, Unicode spaces included). */
export function isBlankBytes(line: string): boolean {
  const first = line.search(NON_SPACE);
  if (first === -1) return true;
  if (line.charCodeAt(first) < 0x80) return false;
  return utf8FromBytes(line).trim() === '';
}

/** A validated row whose columns are a byte string, or a rejection with its raw text as real text. */
export type RowResult = { ok: true; columns: string } | { ok: false; kind: ReasonKind; reason: string; raw: string };

/** Validates real text (decoded UTF-8). */
export function validateChars(text: string, fields: readonly FieldRule[]): RowResult {
  const result = validateText(text, fields);
  if (result.ok) return { ok: true, columns: bytesFromUtf8(result.columns) };
  return { ...result, raw: text };
}

/** Validates a byte string (latin1-decoded valid UTF-8). */
export function validateBytes(line: string, fields: readonly FieldRule[]): RowResult {
  const columns = fastColumns(line, fields);
  if (columns !== undefined) return { ok: true, columns };
  if (!line.includes('\\u')) {
    const result = validateText(line, fields);
    if (result.ok) return result;
  }
  return validateChars(utf8FromBytes(line), fields);
}
