/**
 * The byte path of staging (byte-row.ts: JSON bytes straight to COPY bytes) must accept only rows
 * that the JSON.parse path accepts, and render them byte for byte as it does. Checked on every
 * event line of the committed fixtures, on seeded random edits of them, and on the cases its
 * number and escape handling singles out.
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { byteRowShape, writeRowColumns } from '../../src/activities/staging/byte-row';
import { bytesFromUtf8 } from '../../src/activities/staging/byte-text';
import { EVENT_FIELDS, SONG_FIELDS, type FieldRule } from '../../src/activities/staging/rules';
import { validateText } from '../../src/activities/staging/validate';

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

/** The byte path's columns for a line, or undefined when it leaves the line to the string paths. */
function byteColumns(line: Buffer, fields: readonly FieldRule[]): string | undefined {
  // The line sits inside a larger buffer, with bytes around it, as it does in a file chunk.
  const src = Buffer.concat([Buffer.from('{"x":1}\n'), line, Buffer.from('\n{"y":2}')]);
  const start = 8;
  const out = Buffer.alloc(line.length + 64, 0xee);
  const end = writeRowColumns(src, start, start + line.length, byteRowShape(fields), out, 3);
  return end === -1 ? undefined : out.toString('latin1', 3, end);
}

/** What the JSON.parse path makes of a line (as a byte string: latin1 of the UTF-8 bytes). */
function slowColumns(line: Buffer, fields: readonly FieldRule[]): string | undefined {
  const result = validateText(line.toString('utf8'), fields);
  return result.ok ? bytesFromUtf8(result.columns) : undefined;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
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

  test('renders every fixture line it accepts exactly as the JSON.parse path does', () => {
    let accepted = 0;
    for (const line of lines) {
      const fast = byteColumns(line, EVENT_FIELDS);
      if (fast === undefined) continue;
      accepted++;
      expect(fast).toBe(slowColumns(line, EVENT_FIELDS));
    }
    // It must really carry the generated data, or this test would prove nothing.
    expect(accepted).toBeGreaterThan(lines.length * 0.9);
  });

  test('never accepts an edited line that the JSON.parse path rejects or renders differently', () => {
    const random = prng(20181122);
    let accepted = 0;
    let edited = 0;
    for (let i = 0; i < 30000; i++) {
      let line = lines[Math.floor(random() * lines.length)];
      for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) line = edit(line, random);
      // Staging hands the byte path only valid UTF-8 (event-parser.ts checks each body with isUtf8).
      if (!isUtf8(line)) continue;
      edited++;
      const fast = byteColumns(line, EVENT_FIELDS);
      if (fast === undefined) continue;
      accepted++;
      expect(fast).toBe(slowColumns(line, EVENT_FIELDS));
    }
    expect(edited).toBeGreaterThan(20000);
    expect(accepted).toBeGreaterThan(1000);
  });

  const base = lines.map((line) => line.toString('utf8')).find((line) => byteColumns(Buffer.from(line), EVENT_FIELDS) !== undefined && line.includes('"length":') && !line.includes('"length":null'))!;
  const withValue = (key: string, value: string): Buffer => {
    const replaced = base.replace(new RegExp(`"${key}":(null|"(?:[^"\\\\]|\\\\.)*"|[-0-9.eE+]+)`), `"${key}":${value}`);
    expect(replaced).not.toBe(base);
    return Buffer.from(replaced);
  };

  test.each([
    ['length', '1540919166796.0', '1540919166796'],
    ['length', '12.50', '12.5'],
    ['length', '100.000', '100'],
    ['length', '-3.0', '-3'],
    ['length', '0.5', '0.5'],
    ['length', '-0', '0'],
    ['length', '1e2', '100'],
    ['length', '2.5E-3', '0.0025'],
    ['length', '1234567890.123456', '1234567890.1234560'.slice(0, 17)],
    ['length', '0.1234567890123456789', '0.12345678901234568'],
    ['ts', '1541030445660', '1541030445660'],
    ['ts', '5.0', '5'],
    ['ts', '9007199254740993', '9007199254740992'],
    ['firstName', '"a\\/b"', 'a/b'],
    ['firstName', '"q\\"t"', 'q"t'],
    ['firstName', '"b\\\\/s"', 'b\\\\/s'],
    ['firstName', '"t\\tn\\nr\\r"', 't\\tn\\nr\\r'],
    ['firstName', '"bs\\bff\\f"', 'bs\bff\f'],
    ['firstName', '"Zoë"', Buffer.from('Zoë').toString('latin1')],
    ['firstName', 'null', '\\N'],
  ])('%s %s renders as the JSON.parse path renders it', (key, value, expected) => {
    const line = withValue(key, value);
    const slow = slowColumns(line, EVENT_FIELDS);
    expect(slow).toBeDefined();
    expect(slow!.split('\t')[EVENT_FIELDS.findIndex((f) => f.name === key)]).toBe(expected);
    const fast = byteColumns(line, EVENT_FIELDS);
    // The byte path may leave a rare form to the string paths, but never renders it differently.
    if (fast !== undefined) expect(fast).toBe(slow);
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
    expect(byteColumns(withValue(key, value), EVENT_FIELDS)).toBeUndefined();
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
      expect(byteColumns(Buffer.from(variant), EVENT_FIELDS)).toBeUndefined();
    }
  });

  test('handles song files the same way', () => {
    const song = Buffer.from('{"num_songs":1,"artist_id":"ARJIE2Y1187B994AB7","artist_latitude":null,"artist_longitude":-122.41888,"artist_location":"San Francisco, CA","artist_name":"Line Renaud","song_id":"SOUPIRU12A6D4FA1E1","title":"Der Kleine D\\u00e4umling","duration":152.92036,"year":0}');
    expect(byteColumns(song, SONG_FIELDS)).toBeUndefined(); // \u escape
    const plain = Buffer.from(song.toString().replace('D\\u00e4umling', 'D\\/umling'));
    expect(byteColumns(plain, SONG_FIELDS)).toBe(slowColumns(plain, SONG_FIELDS));
    expect(byteColumns(plain, SONG_FIELDS)).toContain('\\N\t-122.41888\tSan Francisco, CA');
  });
});
