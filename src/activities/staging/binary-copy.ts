import type { FieldRule } from './rules';

/**
 * PostgreSQL's binary COPY format, as staging_events is loaded: a header, then per row a 16-bit
 * field count and per field a 32-bit length (-1 for NULL) and the value — text as its UTF-8
 * bytes, BIGINT as 8 big-endian bytes, DOUBLE PRECISION as an 8-byte IEEE double, INTEGER as 4
 * bytes — then a trailer. Each COPY statement's data begins with the header and ends with the
 * trailer.
 */
export const BINARY_COPY_HEADER = Buffer.concat([
  Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), // signature
  Buffer.alloc(4), // flags: no OIDs
  Buffer.alloc(4), // header extension: none
]);

export const BINARY_COPY_TRAILER = Buffer.from([0xff, 0xff]);

/** The provenance fields ending every staging row: source_file (text) and source_line (INTEGER). */
export const PROVENANCE_FIELDS = 2;

/** The bytes of the source_file field plus the length word of source_line; the line's 4 bytes follow. */
export function provenancePrefix(fileUtf8: Buffer): Buffer {
  const prefix = Buffer.alloc(4 + fileUtf8.length + 4);
  prefix.writeInt32BE(fileUtf8.length, 0);
  fileUtf8.copy(prefix, 4);
  prefix.writeInt32BE(4, 4 + fileUtf8.length);
  return prefix;
}

const COPY_UNESCAPES: Record<string, string> = { '\\\\': '\\', '\\t': '\t', '\\n': '\n', '\\r': '\r' };

/**
 * The binary row (without provenance) of a row the string paths validated, from its COPY text
 * columns (a byte string, see byte-text.ts): NULL stays NULL, text is unescaped, integers (safe
 * or beyond, within 64 bits) and doubles are read back from the text the string paths rendered,
 * which holds them exactly.
 */
export function binaryRowFromText(columns: string, fields: readonly FieldRule[]): Buffer {
  const values = columns.split('\t');
  if (values.length !== fields.length) throw new Error(`expected ${fields.length} COPY columns, got ${values.length}`);
  const fieldCount = Buffer.alloc(2);
  fieldCount.writeInt16BE(fields.length + PROVENANCE_FIELDS);
  const parts: Buffer[] = [fieldCount];
  for (let i = 0; i < fields.length; i++) {
    const text = values[i];
    const length = Buffer.alloc(4);
    if (text === '\\N') {
      length.writeInt32BE(-1);
      parts.push(length);
      continue;
    }
    const type = fields[i].type;
    let value: Buffer;
    if (type === 'string') {
      value = Buffer.from(text.replace(/\\[\\tnr]/g, (escape) => COPY_UNESCAPES[escape]), 'latin1');
    } else {
      value = Buffer.alloc(8);
      if (type === 'integer') value.writeBigInt64BE(BigInt(text));
      else value.writeDoubleBE(Number(text));
    }
    length.writeInt32BE(value.length);
    parts.push(length, value);
  }
  return Buffer.concat(parts);
}
