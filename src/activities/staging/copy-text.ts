/**
 * PostgreSQL COPY text format: columns separated by tabs, rows by newlines, NULL as \N, and
 * backslash, tab, newline and carriage return escaped. Most values need no escaping, so a cheap
 * test comes first.
 */
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export const COPY_NULL = '\\N';

export function copyText(value: string): string {
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (ch) => ESCAPES[ch]) : value;
}

/** PostgreSQL text cannot hold NUL; raw rejected text keeps it visible as the escape `\u0000`. */
export function withoutNul(value: string): string {
  return value.includes('\u0000') ? value.replaceAll('\u0000', '\\u0000') : value;
}
