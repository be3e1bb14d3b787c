/**
 * `npm run bench:s3`: staging the same dataset (default 200k events + 20k song files) from S3
 * (s3rver, a real S3 HTTP server on 127.0.0.1) and from the local directory, side by side in one
 * run, interleaved, medians of --repeats (default 3). Song staging from S3 is also measured with
 * read-ahead 1 and 8 against the default, to show what bounded parallel GETs buy.
 * Options: --events N, --repeats N, --partitions N, --out FILE.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as activities from '../src/activities';
import type { SourceRef, StagingKind, WarehouseHandle } from '../src/contract';
import { S3_READ_AHEAD } from '../src/sources/s3';
import { configureS3 } from '../src/sources/s3-client';
import { startS3ForTests, type S3ForTests } from '../test/helpers/s3';
import { benchDataset, type BenchDataset } from './lib/datasets';
import { recreateTables, runActivity, stageKind } from './lib/pipeline-run';
import { median } from './lib/stats';

interface Options {
  events: number;
  repeats: number;
  partitions: number;
  out: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { events: 200_000, repeats: 3, partitions: 2, out: path.join(__dirname, 'results', 'latest', 's3.json') };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--events') options.events = Number(value());
    else if (flag === '--repeats') options.repeats = Number(value());
    else if (flag === '--partitions') options.partitions = Number(value());
    else if (flag === '--out') options.out = value();
    else if (flag === '--quick') Object.assign(options, { events: 10_000, repeats: 3 });
  }
  for (const key of ['events', 'repeats', 'partitions'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1) throw new Error(`--${key} must be a positive integer`);
  }
  return options;
}

const BUCKET = 'sparkify-bench';

function filesUnder(dir: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(dir, child));
    else if (entry.isFile() && child.endsWith('.json')) out.push(child);
  }
  return out;
}

async function upload(s3: S3ForTests, dataset: BenchDataset): Promise<number> {
  const started = Date.now();
  await s3.createBucket(BUCKET);
  const files = ['log_data', 'song_data'].flatMap((top) => filesUnder(dataset.root, top));
  process.stdout.write(`uploading ${files.length} files to s3rver ... `);
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < files.length) {
      const relative = files[next++];
      await s3.put(BUCKET, `data/${relative}`, fs.readFileSync(path.join(dataset.root, relative)));
    }
  }));
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  return files.length;
}

interface Measured {
  source: string;
  kind: StagingKind;
  readAhead?: number;
  seconds: number[];
  /** Events (events) or files (songs) per second, per repeat. */
  rates: number[];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataset = await benchDataset(options.events);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-bench-s3-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  const s3 = await startS3ForTests();
  const target = { provider: 'local' as const, warehouseId: `bench_s3_${process.pid}` };
  let warehouse: WarehouseHandle | undefined;
  try {
    await upload(s3, dataset);
    warehouse = await runActivity(activities.provisionWarehouse, target);
    const sources: Record<string, SourceRef> = {
      local: { type: 'local', path: dataset.root },
      s3: { type: 's3', path: `s3://${BUCKET}/data` },
    };
    const results = new Map<string, Measured>();
    const record = (source: string, kind: StagingKind, seconds: number, count: number, readAhead?: number) => {
      const key = `${source}/${kind}/${readAhead ?? ''}`;
      const entry = results.get(key) ?? { source, kind, readAhead, seconds: [], rates: [] };
      entry.seconds.push(seconds);
      entry.rates.push(count / seconds);
      results.set(key, entry);
    };
    const expected: Record<StagingKind, number> = { events: dataset.events, songs: dataset.songs };
    const stage = async (name: string, kind: StagingKind, readAhead?: number) => {
      await recreateTables(warehouse!);
      // The plan's listing in staging_files, as the workflow has it: each file is checked against it.
      const listingStarted = process.hrtime.bigint();
      await runActivity(activities.planStaging, { source: sources[name], partitions: options.partitions, warehouse: warehouse! });
      const listing = Number(process.hrtime.bigint() - listingStarted) / 1e9;
      if (readAhead !== undefined) process.env.SPARKIFY_S3_READ_AHEAD = String(readAhead);
      try {
        const copy = kind === 'events' ? activities.copyStagingEvents : activities.copyStagingSongs;
        const sample = await stageKind(copy, warehouse!, sources[name], options.partitions);
        if (sample.loaded !== expected[kind] || sample.rejected !== 0) {
          throw new Error(`${name} ${kind}: loaded ${sample.loaded}, rejected ${sample.rejected}, expected ${expected[kind]}`);
        }
        record(name, kind, sample.seconds, sample.loaded, readAhead);
        const rate = Math.round(sample.loaded / sample.seconds);
        console.log(`  ${name.padEnd(5)} ${kind.padEnd(6)}${readAhead ? ` read-ahead ${String(readAhead).padStart(2)}` : '              '}  ${sample.seconds.toFixed(2)} s  ${rate} ${kind === 'events' ? 'events' : 'files'}/s  (plan listing ${listing.toFixed(2)} s)`);
      } finally {
        delete process.env.SPARKIFY_S3_READ_AHEAD;
      }
    };
    for (let r = 1; r <= options.repeats; r++) {
      console.log(`repeat ${r}/${options.repeats} (load ${os.loadavg()[0].toFixed(1)})`);
      for (const name of ['local', 's3']) await stage(name, 'events');
      for (const name of ['local', 's3']) await stage(name, 'songs');
      for (const readAhead of [1, 8]) await stage('s3', 'songs', readAhead);
    }

    const rows = [...results.values()].map((m) => ({
      source: m.source, kind: m.kind, readAhead: m.source === 's3' && m.kind === 'songs' ? m.readAhead ?? S3_READ_AHEAD : undefined,
      medianSeconds: median(m.seconds), medianRate: median(m.rates), rates: m.rates.map(Math.round),
    }));
    const rateOf = (source: string, kind: StagingKind, readAhead?: number) =>
      rows.find((r) => r.source === source && r.kind === kind && (readAhead === undefined || r.readAhead === readAhead))!.medianRate;
    const ratios = {
      events: rateOf('s3', 'events') / rateOf('local', 'events'),
      songs: rateOf('s3', 'songs', S3_READ_AHEAD) / rateOf('local', 'songs'),
      songsReadAhead1: rateOf('s3', 'songs', 1) / rateOf('local', 'songs'),
    };
    console.log(`\nstaging ${dataset.events} events / ${dataset.songs} song files, ${options.partitions} partitions, medians of ${options.repeats}`);
    console.log('source  kind    read-ahead   median s   median rate      samples');
    for (const row of rows) {
      const unit = row.kind === 'events' ? 'events/s' : 'files/s';
      console.log(`${row.source.padEnd(7)} ${row.kind.padEnd(7)} ${String(row.readAhead ?? '-').padStart(10)} ${row.medianSeconds.toFixed(2).padStart(10)} ${`${Math.round(row.medianRate)} ${unit}`.padStart(18)}  ${row.rates.join(', ')}`);
    }
    console.log(`s3 / local: events ${ratios.events.toFixed(2)}, songs ${ratios.songs.toFixed(2)} (read-ahead ${S3_READ_AHEAD}), songs ${ratios.songsReadAhead1.toFixed(2)} (read-ahead 1)`);
    fs.mkdirSync(path.dirname(options.out), { recursive: true });
    fs.writeFileSync(options.out, JSON.stringify({
      when: new Date().toISOString(), node: process.version, cpus: os.cpus().length,
      events: dataset.events, songs: dataset.songs, partitions: options.partitions, repeats: options.repeats, rows, ratios,
    }, null, 2) + '\n');
    console.log(`results: ${options.out}`);
  } finally {
    if (warehouse) await runActivity(activities.teardownWarehouse, target);
    await s3.stop();
    configureS3({});
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
