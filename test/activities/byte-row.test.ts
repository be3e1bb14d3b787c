/**
 * The byte path of staging (byte-row.ts: JSON bytes straight to binary COPY rows) must accept
 * only rows that the JSON.parse path accepts, with the values it gives them. Its rows are decoded
 * here independently (the binary COPY layout read with Buffer's own readers) and compared with
 * JSON.parse of the line, and with the row the string paths' text columns encode to. Checked on
 * every event line of the committed fixtures, on seeded random edits of them, and on the cases
 * its number and escape handling singles out.
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { binaryRowFromText } from '../../src/activities/staging/binary-copy';
import { byteRowShape, rowSlack, writeBinaryRow } from '../../src/activities/staging/byte-row';
import { EVENT_FIELDS, SONG_FIELDS, type FieldRule } from '../../src/activities/staging/rules';
import { validateText } from '../../src/activities/staging/text-row';
import { prng } from '../helpers/prng';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

function eventLines(fixture: string): Buffer[] {
  const lines: Buffer[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) {
        const content = fs.readFileSync(full);
        let start = 0;
        for (let end = content.indexOf(10); end !== -1; start = end + 1, end = content.indexOf(10, start)) lines.push(content.subarray(start, end));
        if (start < content.length) lines.push(content.subarray(start));
      }
    }
  };
  walk(path.join(FIXTURES, fixture, 'log_data'));
  return lines.filter((line) => line.toString('utf8').trim() !== '');
}

type Value = string | bigint | number | null;

/** Reads one binary COPY row: a field count, then per field a length (-1: NULL) and the bytes. */
function decodeRow(row: Buffer, fields: readonly FieldRule[], extraFields = 0): Value[] {
  expect(row.readInt16BE(0)).toBe(fields.length + extraFields);
  const values: Value[] = [];
  let at = 2;
  for (const field of fields) {
    const length = row.readInt32BE(at);
    at += 4;
    if (length === -1) {
      values.push(null);
      continue;
    }
    const bytes = row.subarray(at, at + length);
    at += length;
    if (field.type === 'string') values.push(bytes.toString('utf8'));
    else {
      expect(length).toBe(8);
      values.push(field.type === 'integer' ? bytes.readBigInt64BE(0) : bytes.readDoubleBE(0));
    }
  }
  expect(at).toBe(row.length);
  return values;
}

/** The byte path's row for a line (no extra fields), or undefined when it leaves the line to the string paths. */
function byteRow(line: Buffer, fields: readonly FieldRule[]): Buffer | undefined {
  // The line sits inside a larger buffer, with bytes around it, as it does in a file chunk.
  const src = Buffer.concat([Buffer.from('{"x":1}\n'), line, Buffer.from('\n{"y":2}')]);
  const start = 8;
  const out = Buffer.alloc(line.length + rowSlack(fields.length) + 3, 0xee);
  const end = writeBinaryRow(src, start, start + line.length, byteRowShape(fields), 0, out, 3);
  return end === -1 ? undefined : out.subarray(3, end);
}

/**
 * The values the JSON.parse path stores for a line, straight from JSON.parse (integers as
 * BigInt, -0 as 0 as its text rendering does), or undefined when it rejects the line.
 */
function parsedValues(line: Buffer, fields: readonly FieldRule[]): Value[] | undefined {
  const text = line.toString('utf8');
  const result = validateText(text, fields);
  if (!result.ok) return undefined;
  const object = JSON.parse(text) as Record<string, unknown>;
  return fields.map((field) => {
    const v = object[field.name];
    if (v === null || v === undefined) return null;
    if (field.type === 'string') return v as string;
    if (field.type === 'integer') return BigInt(v as number);
    return (v as number) === 0 ? 0 : (v as number);
  });
}

/** The string paths' row: their text columns, encoded. */
function slowRow(line: Buffer, fields: readonly FieldRule[]): Buffer | undefined {
  const result = validateText(line.toString('utf8'), fields);
  return result.ok ? binaryRowFromText(Buffer.from(result.columns, 'utf8').toString('latin1'), fields) : undefined;
}

/** Checks a line the byte path accepted: the values JSON.parse gives, and the string paths' very bytes. */
function expectSameAsSlow(line: Buffer, fields: readonly FieldRule[], row: Buffer): void {
  const expected = parsedValues(line, fields);
  expect(expected).toBeDefined();
  const values = decodeRow(row, fields);
  expect(values).toEqual(expected);
  // Object.is: a double's sign of zero matters to the stored value.
  values.forEach((v, i) => expect(Object.is(v, expected![i])).toBe(true));
  const slow = slowRow(line, fields)!;
  // The string paths' row counts the provenance fields too; the byte path's here does not.
  expect(row.subarray(2).equals(slow.subarray(2))).toBe(true);
}

const EDIT_BYTES = [...'"\\,:{}01.-enbfu/ \tx'].map((c) => c.charCodeAt(0)).concat([0x00, 0x1f, 0x0d, 0xc3]);

function edit(line: Buffer, random: () => number): Buffer {
  const at = Math.floor(random() * line.length);
  const byte = Buffer.from([EDIT_BYTES[Math.floor(random() * EDIT_BYTES.length)]]);
  switch (Math.floor(random() * 4)) {
    case 0:
      return line.subarray(0, at);
    case 1:
      return Buffer.concat([line.subarray(0, at), line.subarray(at + 1)]);
    case 2:
      return Buffer.concat([line.subarray(0, at), byte, line.subarray(at + 1)]);
    default:
      return Buffer.concat([line.subarray(0, at), byte, line.subarray(at)]);
  }
}

describe('staging byte path', () => {
  const lines = [...eventLines('sparkify-small'), ...eventLines('sparkify-corrupt')];

  test('gives every fixture line it accepts the values the JSON.parse path gives', () => {
    let accepted = 0;
    for (const line of lines) {
      const row = byteRow(line, EVENT_FIELDS);
      if (row === undefined) continue;
      accepted++;
      expectSameAsSlow(line, EVENT_FIELDS, row);
    }
    // It must really carry the generated data, or this test would prove nothing.
    expect(accepted).toBeGreaterThan(lines.length * 0.9);
  }, 150_000);

  test('never accepts an edited line that the JSON.parse path rejects or reads differently', () => {
    const random = prng(20181122);
    let accepted = 0;
    let edited = 0;
    for (let i = 0; i < 30000; i++) {
      let line = lines[Math.floor(random() * lines.length)];
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) line = edit(line, random);
      // Staging hands the byte path only valid UTF-8 (event-parser.ts checks each body with isUtf8).
      if (!isUtf8(line)) continue;
      edited++;
      const row = byteRow(line, EVENT_FIELDS);
      if (row === undefined) continue;
      accepted++;
      expectSameAsSlow(line, EVENT_FIELDS, row);
    }
    expect(edited).toBeGreaterThan(20000);
    expect(accepted).toBeGreaterThan(1000);
  }, 150_000);

  const base = lines.map((line) => line.toString('utf8')).find((line) => byteRow(Buffer.from(line), EVENT_FIELDS) !== undefined && line.includes('"length":') && !line.includes('"length":null'))!;
  const withValue = (key: string, value: string): Buffer => {
    const replaced = base.replace(new RegExp(`"${key}":(null|"(?:[^"\\\\]|\\\\.)*"|[-0-9.eE+]+)`), `"${key}":${value}`);
    expect(replaced).not.toBe(base);
    return Buffer.from(replaced);
  };

  test.each<[string, string, Value, boolean]>([
    // key, JSON value, the value stored, whether the byte path takes it (else the string paths do)
    ['length', '1540919166796.0', 1540919166796, true],
    ['length', '218.93179', 218.93179, true],
    ['length', '12.50', 12.5, true],
    ['length', '1.05', 1.05, true],
    ['length', '100.000', 100, true],
    ['length', '-3.0', -3, true],
    ['length', '-122.41888', -122.41888, true],
    ['length', '0', 0, true],
    ['length', '0.5', 0.5, true],
    ['length', '-0', 0, true],
    ['length', '-0.0', 0, true],
    ['length', '1e2', 100, true],
    ['length', '2.5E-3', 0.0025, true],
    ['length', '1234567890.123456', 1234567890.123456, true],
    ['length', '0.1234567890123456789', 0.12345678901234568, true],
    ['length', '999999999999999', 999999999999999, true],
    ['ts', '1541030445660', 1541030445660n, true],
    ['ts', '-42', -42n, true],
    ['ts', '0', 0n, true],
    ['ts', '5.0', 5n, true],
    ['ts', '9007199254740993', 9007199254740992n, false],
    ['firstName', '"a\\/b"', 'a/b', true],
    ['firstName', '"q\\"t"', 'q"t', true],
    ['firstName', '"b\\\\/s"', 'b\\/s', true],
    ['firstName', '"t\\tn\\nr\\r"', 't\tn\nr\r', true],
    ['firstName', '"bs\\bff\\f"', 'bs\bff\f', true],
    ['firstName', '"Zoë"', 'Zoë', true],
    ['firstName', '""', '', true],
    ['firstName', 'null', null, true],
  ])('%s %s is stored as JSON.parse reads it', (key, value, stored, byBytePath) => {
    const line = withValue(key, value);
    const index = EVENT_FIELDS.findIndex((f) => f.name === key);
    const expected = parsedValues(line, EVENT_FIELDS);
    expect(expected).toBeDefined();
    expect(Object.is(expected![index], stored)).toBe(true);
    const row = byteRow(line, EVENT_FIELDS);
    expect(row !== undefined).toBe(byBytePath);
    if (row !== undefined) expectSameAsSlow(line, EVENT_FIELDS, row);
    // The string paths' row (it counts the two provenance fields the parser appends).
    expect(Object.is(decodeRow(slowRow(line, EVENT_FIELDS)!, EVENT_FIELDS, 2)[index], stored)).toBe(true);
  });

  test.each([
    ['a required field null', 'auth', 'null'],
    ['an integer with a fraction', 'ts', '1541.5'],
    ['an integer beyond 64 bits', 'ts', '12345678901234567890123'],
    ['a number where a string belongs', 'level', '1'],
    ['a string where a number belongs', 'length', '"1"'],
    ['a \\u escape', 'firstName', '"\\u00e9"'],
    ['a NUL escape', 'firstName', '"\\u0000"'],
    ['an invalid escape', 'firstName', '"a\\x"'],
    ['a raw tab in a string', 'firstName', '"a\tb"'],
    ['a leading zero', 'length', '01.5'],
    ['a bare fraction', 'length', '.5'],
    ['an unfinished exponent', 'length', '1e'],
  ])('leaves %s to the string paths', (_name, key, value) => {
    expect(byteRow(withValue(key, value), EVENT_FIELDS)).toBeUndefined();
  });

  test('leaves whitespace, reordered or extra keys, and a trailing CR to the string paths', () => {
    const line = base;
    const variants = [
      line.replace('{', '{ '),
      line.replace(',"auth":', ', "auth":'),
      line + '\r',
      line.replace('}', ',"extra":1}'),
      line.replace(/^\{("artist":(?:null|"(?:[^"\\]|\\.)*")),("auth":"[^"]*")/, '{$2,$1'),
    ];
    for (const variant of variants) {
      expect(variant).not.toBe(line);
      expect(byteRow(Buffer.from(variant), EVENT_FIELDS)).toBeUndefined();
    }
  });

  test('handles song files the same way', () => {
    const song = Buffer.from('{"num_songs":1,"artist_id":"ARJIE2Y1187B994AB7","artist_latitude":null,"artist_longitude":-122.41888,"artist_location":"San Francisco, CA","artist_name":"Line Renaud","song_id":"SOUPIRU12A6D4FA1E1","title":"Der Kleine D\\u00e4umling","duration":152.92036,"year":0}');
    expect(byteRow(song, SONG_FIELDS)).toBeUndefined(); // \u escape
    const plain = Buffer.from(song.toString().replace('D\\u00e4umling', 'D\\/umling'));
    const row = byteRow(plain, SONG_FIELDS)!;
    expectSameAsSlow(plain, SONG_FIELDS, row);
    expect(decodeRow(row, SONG_FIELDS).slice(0, 6)).toEqual([1n, 'ARJIE2Y1187B994AB7', null, -122.41888, 'San Francisco, CA', 'Line Renaud']);
  });
});
