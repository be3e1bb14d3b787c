/**
 * The Sparkify dataset generator: song_data/, log_data/ and log_json_path.json in the exact shape
 * of the real Sparkify files, at any scale, deterministic for a given set of options.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Catalog } from './catalog';
import { writeEvents } from './event-writer';
import { EVENT_KEYS } from './json-format';
import { MANIFEST_FILE, ManifestWriter } from './manifest';
import { GenerateOptions, resolveOptions } from './options';
import { writeWholeFile } from './output';
import { writeSongs } from './song-writer';

export { DEFAULTS, GenerateOptions, GeneratorOptionError } from './options';
export { CorruptionEntry, CorruptionKind } from './corrupt';
export { EVENT_KEYS, SONG_KEYS } from './json-format';
export { songFilePath } from './ids';
export { dayFilePath } from './event-writer';

export interface GenerateStats {
  /** Absolute dataset root. */
  outDir: string;
  /** Every file written (song files, event files, log_json_path.json, corruptions.json). */
  files: number;
  songFiles: number;
  eventFiles: number;
  /** Song input rows (one per song file). */
  songs: number;
  /** Event input rows (non-blank lines under log_data/). */
  events: number;
  /** Distinct user ids the simulation drew from. */
  users: number;
  /** Entries in corruptions.json (0 without --corrupt). */
  corruptions: number;
  bytes: number;
  seconds: number;
}

export const JSONPATHS_FILE = 'log_json_path.json';
/** Everything the generator writes under the root; removed first so no stale file survives. */
const OUTPUT_ENTRIES = ['song_data', 'log_data', JSONPATHS_FILE, MANIFEST_FILE];

/** The Redshift JSONPaths file mapping each event field, in column order. */
export function jsonPathsText(): string {
  const paths = EVENT_KEYS.map((field) => `        "$['${field}']"`).join(',\n');
  return `{\n    "jsonpaths": [\n${paths}\n    ]\n}\n`;
}

export async function generateDataset(options: GenerateOptions): Promise<GenerateStats> {
  const started = process.hrtime.bigint();
  const resolved = resolveOptions(options);
  const root = path.resolve(resolved.out);
  fs.mkdirSync(root, { recursive: true });
  for (const entry of OUTPUT_ENTRIES) fs.rmSync(path.join(root, entry), { recursive: true, force: true });

  const catalog = new Catalog(resolved.seed, resolved.songs);
  const manifest = resolved.corrupt > 0 ? new ManifestWriter(root) : null;
  const songs = await writeSongs(resolved, root, catalog, manifest);
  const events = await writeEvents(resolved, root, catalog, manifest);
  let bytes = songs.bytes + events.bytes + writeWholeFile(path.join(root, JSONPATHS_FILE), jsonPathsText());
  let files = songs.files + events.files + 1;
  let corruptions = 0;
  if (manifest) {
    corruptions = manifest.count;
    bytes += manifest.close();
    files++;
  }
  return {
    outDir: root,
    files,
    songFiles: songs.files,
    eventFiles: events.files,
    songs: songs.files,
    events: events.rows,
    users: events.users,
    corruptions,
    bytes,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
