/**
 * The staging fast path (a regular expression over the common row shape) must accept only rows
 * that the JSON.parse path accepts, and render them identically. Checked on every event line of the
 * committed fixtures and on seeded random edits of them.
 */
import { isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fastColumns } from '../../src/activities/staging/fast-row';
import { bytesFromUtf8 } from '../../src/activities/staging/byte-text';
import { EVENT_FIELDS, type FieldRule } from '../../src/activities/staging/rules';
import { validateText } from '../../src/activities/staging/text-row';
import { prng } from '../helpers/prng';

// Thousands of randomized edits of every fixture line.
jest.setTimeout(45_000);

const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** Event lines as byte strings (latin1 of the UTF-8 bytes), the form staging hands the fast path. */
function eventLines(fixture: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) lines.push(...fs.readFileSync(full).toString('latin1').split('\n'));
    }
  };
  walk(path.join(FIXTURES, fixture, 'log_data'));
  return lines.filter((line) => line.trim() !== '');
}

/** What the JSON.parse path makes of a byte-string line, decoded as real text first. */
function slowColumns(bytes: string, fields: readonly FieldRule[]): string | undefined {
  const result = validateText(Buffer.from(bytes, 'latin1').toString('utf8'), fields);
  return result.ok ? bytesFromUtf8(result.columns) : undefined;
}

const EDIT_CHARS = ['"', '\\', ',', ':', '{', '}', '0', '1', '.', '-', 'e', 'n', ' ', '\t', 'x'];

function edit(line: string, random: () => number): string {
  const at = Math.floor(random() * line.length);
  switch (Math.floor(random() * 4)) {
    case 0:
      return line.slice(0, at); // truncated
    case 1:
      return line.slice(0, at) + line.slice(at + 1); // a character dropped
    case 2:
      return line.slice(0, at) + EDIT_CHARS[Math.floor(random() * EDIT_CHARS.length)] + line.slice(at + 1);
    default:
      return line.slice(0, at) + EDIT_CHARS[Math.floor(random() * EDIT_CHARS.length)] + line.slice(at);
  }
}

describe('staging fast path', () => {
  const lines = [...eventLines('sparkify-small'), ...eventLines('sparkify-corrupt')];

  test('renders every fixture line it accepts exactly as the JSON.parse path does', () => {
    let accepted = 0;
    for (const line of lines) {
      const fast = fastColumns(line, EVENT_FIELDS);
      if (fast === undefined) continue;
      accepted++;
      expect(fast).toBe(slowColumns(line, EVENT_FIELDS));
    }
    // The fast path must really carry the generated data (else this test would prove nothing).
    expect(accepted).toBeGreaterThan(lines.length * 0.9);
  });

  test('never accepts an edited line that the JSON.parse path rejects or renders differently', () => {
    const random = prng(20181101);
    let accepted = 0;
    for (let i = 0; i < 20000; i++) {
      const line = edit(lines[Math.floor(random() * lines.length)], random);
      // Staging hands the fast path only valid UTF-8 (event-parser.ts checks each chunk with isUtf8).
      if (!isUtf8(Buffer.from(line, 'latin1'))) continue;
      const fast = fastColumns(line, EVENT_FIELDS);
      if (fast === undefined) continue;
      accepted++;
      expect(fast).toBe(slowColumns(line, EVENT_FIELDS));
    }
    expect(accepted).toBeGreaterThan(0);
  });

  test.each([
    ['a required field null', '"auth":null', '"auth":"Logged In"'],
    ['an integer with a fraction', '"ts":1541.5', '"ts":1541'],
    ['an unsafe integer', '"ts":12345678901234567890', '"ts":1541'],
    ['a number where a string belongs', '"level":1', '"level":"free"'],
  ])('leaves %s to the JSON.parse path', (_name, bad, good) => {
    const valid = lines.find((line) => line.includes(good.split(':')[0]) && fastColumns(line, EVENT_FIELDS) !== undefined)!;
    const key = good.split(':')[0];
    const broken = valid.replace(new RegExp(`${key}:(null|"[^"]*"|[-0-9.eE]+)`), bad);
    expect(broken).not.toBe(valid);
    expect(fastColumns(broken, EVENT_FIELDS)).toBeUndefined();
    expect(slowColumns(broken, EVENT_FIELDS)).toBeUndefined();
  });
});
