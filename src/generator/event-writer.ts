/**
 * Writes log_data/: JSON lines per UTC day at log_data/YYYY/MM/YYYY-MM-DD-events.json, sorted by
 * ts because the simulator emits events in ts order.
 */
import * as path from 'node:path';
import { Catalog } from './catalog';
import { corruptEventLine, CorruptionEntry } from './corrupt';
import { EVENT_KEYS, eventObjectText } from './json-format';
import { ManifestWriter } from './manifest';
import { ResolvedOptions } from './options';
import { BufferedFile, Directories, writeWholeFile } from './output';
import { Rng, Stream, unitFromHash } from './prng';
import { Simulator } from './simulator';
import { Users } from './users';

const DAY_MS = 86400000;
const YIELD_EVERY = 20000;
/** In corrupt mode a blank line follows this many rows of each day file (blank lines are not rows). */
const BLANK_LINE_AFTER_ROW = 5;

export interface EventWriteStats {
  files: number;
  /** Non-blank lines written: the input rows the pipeline reads. */
  rows: number;
  bytes: number;
  users: number;
}

/** `{"artist":` , `,"auth":` ...: the key part of each field, rendered once. */
const KEY_PREFIXES = EVENT_KEYS.map((key, i) => `${i === 0 ? '{' : ','}"${key}":`);

function eventLine(texts: string[]): string {
  let line = '';
  for (let i = 0; i < texts.length; i++) line += KEY_PREFIXES[i] + texts[i];
  return line + '}';
}

export function dayFilePath(dayStartMs: number): string {
  const date = new Date(dayStartMs).toISOString().slice(0, 10);
  return `log_data/${date.slice(0, 4)}/${date.slice(5, 7)}/${date}-events.json`;
}

export async function writeEvents(
  options: ResolvedOptions, root: string, catalog: Catalog, manifest: ManifestWriter | null,
): Promise<EventWriteStats> {
  const periodEndMs = options.periodStartMs + options.days * DAY_MS;
  const users = new Users(options.seed, options.events, options.periodStartMs);
  const simulator = new Simulator(
    { seed: options.seed, events: options.events, periodStartMs: options.periodStartMs, periodEndMs, matchRate: options.matchRate },
    catalog,
    users,
  );
  const directories = new Directories();
  let file: BufferedFile | null = null;
  let relative = '';
  let currentDay = -1;
  let line = 0;
  let rowsInFile = 0;
  let files = 0;
  let bytes = 0;
  let corrupted = 0;
  const record = (entry: CorruptionEntry) => manifest?.add(entry);

  for (let index = 0; ; index++) {
    const event = simulator.next();
    if (!event) break;
    const day = Math.floor((event.ts - options.periodStartMs) / DAY_MS);
    if (day !== currentDay) {
      if (file) {
        file.close();
        bytes += file.bytes;
      }
      currentDay = day;
      relative = dayFilePath(options.periodStartMs + day * DAY_MS);
      const absolute = path.join(root, relative);
      directories.ensure(path.dirname(absolute));
      file = new BufferedFile(absolute);
      files++;
      line = 0;
      rowsInFile = 0;
    }
    let text: string;
    if (manifest && unitFromHash(options.seed, Stream.corruptEvent, index) < options.corrupt) {
      const fields = EVENT_KEYS.map((key, i) => [key, event.texts[i]] as [string, string]);
      const bad = corruptEventLine(fields, corrupted++, new Rng(options.seed, Stream.corruptEvent, index), eventObjectText);
      text = bad.line;
      record({ file: relative, line: line + 1, kind: bad.kind });
    } else {
      text = eventLine(event.texts);
    }
    (file as BufferedFile).write(text + '\n');
    line++;
    rowsInFile++;
    if (manifest && rowsInFile === BLANK_LINE_AFTER_ROW) {
      (file as BufferedFile).write('\n');
      line++;
    }
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  if (file) {
    file.close();
    bytes += file.bytes;
  }
  let rows = options.events;
  if (manifest) {
    const extra = writeBrokenEventFiles(options, root, directories, record);
    files += extra.files;
    bytes += extra.bytes;
    rows += extra.rows;
  }
  return { files, rows, bytes, users: users.count };
}

/**
 * Two files beside the first day's log: one that is not JSON at all (each non-blank line is a
 * rejected row) and one that is empty (no rows at all).
 */
function writeBrokenEventFiles(
  options: ResolvedOptions, root: string, directories: Directories, record: (entry: CorruptionEntry) => void,
): { files: number; rows: number; bytes: number } {
  const date = new Date(options.periodStartMs).toISOString().slice(0, 10);
  const folder = `log_data/${date.slice(0, 4)}/${date.slice(5, 7)}`;
  directories.ensure(path.join(root, folder));
  const notJson = `${folder}/${date}-notes.json`;
  const lines = ['export interrupted at 03:12, retrying', '', '<html><body>503 Service Unavailable</body></html>', ''];
  let bytes = writeWholeFile(path.join(root, notJson), lines.join('\n'));
  let rows = 0;
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    rows++;
    record({ file: notJson, line: i + 1, kind: 'invalid-json' });
  });
  bytes += writeWholeFile(path.join(root, `${folder}/${date}-empty.json`), '');
  return { files: 2, rows, bytes };
}
