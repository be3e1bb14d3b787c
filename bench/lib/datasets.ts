import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDataset } from '../../src/generator';

export interface BenchDataset {
  root: string;
  events: number;
  songs: number;
  eventBytes: number;
  songBytes: number;
}

const CACHE_ROOT = path.join(os.tmpdir(), 'sparkify-bench-data');
const SEED = 20181101;

function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const child = path.join(dir, entry.name);
    total += entry.isDirectory() ? bytesUnder(child) : fs.statSync(child).size;
  }
  return total;
}

/**
 * A generated dataset with `events` event rows and a tenth as many song files, cached under
 * os.tmpdir() by its arguments (a `complete.json` marker says the generator finished).
 */
export async function benchDataset(events: number): Promise<BenchDataset> {
  const songs = Math.max(100, Math.round(events / 10));
  const days = 30;
  const root = path.join(CACHE_ROOT, `e${events}-s${songs}-d${days}-seed${SEED}`);
  const marker = path.join(root, 'complete.json');
  if (fs.existsSync(marker)) return JSON.parse(fs.readFileSync(marker, 'utf8')) as BenchDataset;
  const started = Date.now();
  process.stdout.write(`generating ${events} events / ${songs} songs into ${root} ... `);
  await generateDataset({ out: root, events, songs, days, seed: SEED });
  const dataset: BenchDataset = {
    root,
    events,
    songs,
    eventBytes: bytesUnder(path.join(root, 'log_data')),
    songBytes: bytesUnder(path.join(root, 'song_data')),
  };
  fs.writeFileSync(marker, JSON.stringify(dataset));
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dataset;
}
