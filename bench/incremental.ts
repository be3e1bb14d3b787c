/**
 * `npm run bench:incremental`: an incremental run that adds one new day to a long-lived warehouse
 * already holding 30 days, against a full load of all 31 days, side by side: whole-run times and
 * the load stages, through the real workflow (in-process devserver, a worker, local warehouses).
 * Both warehouses end with equal star tables (checked). Each repeat has a long-lived warehouse of
 * its own holding the 30 days, so every incremental run adds the same day to the same state; the
 * two kinds of run alternate, and medians (min–max) are reported.
 * Options: --events N (all days, default 155000), --songs N (default 2000), --repeats N (default 3),
 * --out FILE.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../devserver/src';
import type { SparkifyEtlInput, SparkifyEtlResult } from '../src/contract';
import { generateDataset } from '../src/generator';
import { withWarehouse } from '../src/warehouse/connection';
import { warehouseProvider } from '../src/warehouse/registry';
import { createSparkifyWorker } from '../src/worker';
import { sparkifyEtl } from '../src/workflows';
import { spread, transformsTime } from './lib/e2e-compare';

const STAR = ['songplays', 'users', 'songs', 'artists', 'time'];
const DAYS = 31;

const USAGE = 'usage: npm run bench:incremental -- [--events 155000] [--songs 2000] [--repeats 3] [--out FILE]';

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < 1) throw new Error(`--${flag} expects a positive integer, got ${text}\n${USAGE}`);
  return value;
}

function benchOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        events: { type: 'string', default: '155000' },
        songs: { type: 'string', default: '2000' },
        repeats: { type: 'string', default: '3' },
        out: { type: 'string', default: path.join(__dirname, 'results', 'latest', 'incremental.json') },
      },
    }));
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${USAGE}`);
  }
  return {
    events: positiveInteger('events', values.events),
    songs: positiveInteger('songs', values.songs),
    repeats: positiveInteger('repeats', values.repeats),
    out: values.out,
  };
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function checksums(result: SparkifyEtlResult): Promise<string[]> {
  return withWarehouse(result.warehouse!, 'comparing the star tables', async (client) => {
    const sums: string[] = [];
    for (const table of STAR) {
      const { rows } = await client.query(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM ${table} t`);
      sums.push(`${table} ${rows[0].n}:${rows[0].sum}`);
    }
    return sums;
  });
}

type RunRow = ReturnType<typeof runRow>;

const loadMs = (r: SparkifyEtlResult) =>
  (r.durationsMs.plan ?? 0) + (r.durationsMs.staging ?? 0) + transformsTime(r.durationsMs) + (r.durationsMs.merge ?? 0);

function runRow(r: SparkifyEtlResult) {
  return {
    eventFiles: r.files.events,
    rowsRead: r.rows.read,
    songplaysTotal: r.tables.songplays,
    totalS: r.totalMs / 1000,
    loadS: loadMs(r) / 1000,
    stages: Object.fromEntries(Object.entries(r.durationsMs).map(([k, v]) => [k, v! / 1000])),
  };
}

/** Medians (min–max) of each figure over the repeats of one kind of run. */
function summary(name: string, rows: RunRow[]) {
  const stageNames = [...new Set(rows.flatMap((r) => Object.keys(r.stages)))];
  return {
    run: name,
    eventFiles: rows[0].eventFiles,
    rowsRead: rows[0].rowsRead,
    songplaysTotal: rows[0].songplaysTotal,
    totalS: spread(rows.map((r) => r.totalS)),
    loadS: spread(rows.map((r) => r.loadS)),
    stages: Object.fromEntries(stageNames.map((stage) => [stage, spread(rows.map((r) => r.stages[stage] ?? 0)).median])),
  };
}

const range = (s: { median: number; min: number; max: number }) =>
  `${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;

async function main(): Promise<void> {
  const { events, songs, repeats, out } = benchOptions();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-bench-incremental-'));
  fs.chmodSync(root, 0o755);
  process.env.SPARKIFY_HOME = path.join(root, 'home');
  fs.mkdirSync(process.env.SPARKIFY_HOME, { mode: 0o755 });
  fs.chmodSync(process.env.SPARKIFY_HOME, 0o755);
  const dataset = path.join(root, 'dataset');
  const source = path.join(root, 'source');
  console.log(`generating ${songs} songs and ${events} events over ${DAYS} days …`);
  await generateDataset({ out: dataset, songs, events, days: DAYS, seed: 2026 });
  const days = listFiles(path.join(dataset, 'log_data')).map((f) => path.join('log_data', f));
  if (days.length !== DAYS) throw new Error(`expected ${DAYS} day files, found ${days.length}`);
  fs.cpSync(path.join(dataset, 'song_data'), path.join(source, 'song_data'), { recursive: true });
  const addDay = (relative: string) => {
    fs.mkdirSync(path.dirname(path.join(source, relative)), { recursive: true });
    fs.copyFileSync(path.join(dataset, relative), path.join(source, relative));
  };
  days.slice(0, DAYS - 1).forEach(addDay);

  const server = await startDevServer({ port: 0 });
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'sparkify-bench-incremental';
  const worker = await createSparkifyWorker({ connection, taskQueue });
  const client = new Client({ connection: connection as never });
  const run = (workflowId: string, input: SparkifyEtlInput) =>
    client.workflow.execute(sparkifyEtl, { taskQueue, workflowId, args: [{ concurrency: 2, ...input }] });
  const localSource = { type: 'local', path: source } as const;
  const teardown = (r: SparkifyEtlResult) => warehouseProvider('local').teardown(r.warehouseId, { heartbeat: () => undefined });
  try {
    await worker.runUntil(async () => {
      let setupRowsRead = 0;
      for (let i = 1; i <= repeats; i++) {
        console.log(`loading days 1-${DAYS - 1} into long-lived warehouse ${i} of ${repeats} (setup, not measured) …`);
        const setup = await run(`bench-incremental-setup-${i}`, { source: localSource, incremental: { warehouseName: `bench${i}` } });
        setupRowsRead = setup.rows.read;
      }
      addDay(days[DAYS - 1]);
      const loadBefore = os.loadavg()[0];
      console.log(`measuring ${repeats} pairs (load average ${loadBefore.toFixed(1)}, ${os.cpus().length} cores) …`);
      const incrementalRows: RunRow[] = [];
      const fullRows: RunRow[] = [];
      let equal = true;
      for (let i = 1; i <= repeats; i++) {
        const incremental = await run(`bench-incremental-one-day-${i}`, { source: localSource, incremental: { warehouseName: `bench${i}` } });
        const full = await run(`bench-incremental-full-${i}`, { source: localSource, keepWarehouse: true });
        incrementalRows.push(runRow(incremental));
        fullRows.push(runRow(full));
        equal &&= JSON.stringify(await checksums(incremental)) === JSON.stringify(await checksums(full));
        await teardown(full);
        await teardown(incremental);
        console.log(`  pair ${i}: incremental ${incrementalRows[i - 1].totalS.toFixed(1)} s, full ${fullRows[i - 1].totalS.toFixed(1)} s`);
      }
      const loadAfter = os.loadavg()[0];

      const rows = [summary('incremental: 1 new day onto 30', incrementalRows), summary(`full load of ${DAYS} days`, fullRows)];
      const ratio = (pick: (r: RunRow) => number) =>
        spread(fullRows.map((f, i) => pick(f) / pick(incrementalRows[i]))).median;
      console.log('');
      console.log(`medians (min–max) of ${repeats}, seconds`);
      console.log('run                               event files   rows read   total s            load s (plan+staging+transforms/merge)');
      for (const r of rows) {
        console.log(`${r.run.padEnd(32)}  ${String(r.eventFiles).padStart(11)}  ${String(r.rowsRead).padStart(10)}  ${range(r.totalS).padEnd(17)}  ${range(r.loadS)}`);
      }
      console.log(`\nfull / incremental (median of the pairs' ratios): total ${ratio((r) => r.totalS).toFixed(1)}x, load ${ratio((r) => r.loadS).toFixed(1)}x; ` +
        `star tables equal: ${equal}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${os.cpus().length} cores`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify({
        date: new Date().toISOString(),
        dataset: { songs, events, days: DAYS, setupRowsRead },
        repeats,
        runs: rows,
        pairs: incrementalRows.map((incremental, i) => ({ incremental, full: fullRows[i] })),
        fullOverIncremental: { totalS: ratio((r) => r.totalS), loadS: ratio((r) => r.loadS) },
        starTablesEqual: equal,
        machine: { loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
      }, null, 2) + '\n');
      console.log(`results: ${path.relative(process.cwd(), out)}`);
      if (!equal) throw new Error('the incremental warehouse and the full load differ');
    });
  } finally {
    await connection.close();
    await server.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
