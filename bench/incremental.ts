/**
 * `npm run bench:incremental`: an incremental run that adds one new day to a long-lived warehouse
 * already holding 30 days, against a full load of all 31 days, side by side: whole-run times and
 * the load stages, through the real workflow (in-process devserver, a worker, local warehouses).
 * Both warehouses end with equal star tables (checked). Options: --events N (all days, default
 * 155000), --songs N (default 2000), --out FILE.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { startDevServer } from '../devserver/src';
import type { SparkifyEtlInput, SparkifyEtlResult } from '../src/contract';
import { generateDataset } from '../src/generator';
import { withWarehouse } from '../src/warehouse/connection';
import { warehouseProvider } from '../src/warehouse/registry';
import { createSparkifyWorker } from '../src/worker';
import { sparkifyEtl } from '../src/workflows';
import { transformsTime } from './lib/e2e-compare';

const STAR = ['songplays', 'users', 'songs', 'artists', 'time'];
const DAYS = 31;

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
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

async function main(): Promise<void> {
  const events = option('events', 155_000);
  const songs = option('songs', 2000);
  const outIndex = process.argv.indexOf('--out');
  const out = outIndex < 0 ? path.join(__dirname, 'results', 'latest', 'incremental.json') : process.argv[outIndex + 1];
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
  try {
    await worker.runUntil(async () => {
      console.log(`loading days 1-${DAYS - 1} into the long-lived warehouse (setup, not measured) …`);
      const setup = await run('bench-incremental-setup', { source: localSource, incremental: { warehouseName: 'bench' } });
      addDay(days[DAYS - 1]);
      const loadBefore = os.loadavg()[0];
      console.log(`measuring (load average ${loadBefore.toFixed(1)}, ${os.cpus().length} cores) …`);
      const incremental = await run('bench-incremental-one-day', { source: localSource, incremental: { warehouseName: 'bench' } });
      const full = await run('bench-incremental-full', { source: localSource, keepWarehouse: true });
      const loadAfter = os.loadavg()[0];
      const equal = JSON.stringify(await checksums(incremental)) === JSON.stringify(await checksums(full));
      await warehouseProvider('local').teardown(full.warehouseId, { heartbeat: () => undefined });
      await warehouseProvider('local').teardown(incremental.warehouseId, { heartbeat: () => undefined });

      const loadMs = (r: SparkifyEtlResult) =>
        (r.durationsMs.plan ?? 0) + (r.durationsMs.staging ?? 0) + transformsTime(r.durationsMs) + (r.durationsMs.merge ?? 0);
      const row = (name: string, r: SparkifyEtlResult) => ({
        run: name,
        eventFiles: r.files.events,
        rowsRead: r.rows.read,
        songplaysTotal: r.tables.songplays,
        totalS: r.totalMs / 1000,
        loadS: loadMs(r) / 1000,
        stages: Object.fromEntries(Object.entries(r.durationsMs).map(([k, v]) => [k, v! / 1000])),
      });
      const rows = [row('incremental: 1 new day onto 30', incremental), row(`full load of ${DAYS} days`, full)];
      console.log('');
      console.log('run                               event files   rows read   total s   load s (plan+staging+transforms/merge)');
      for (const r of rows) {
        console.log(`${r.run.padEnd(32)}  ${String(r.eventFiles).padStart(11)}  ${String(r.rowsRead).padStart(10)}  ${r.totalS.toFixed(1).padStart(8)}  ${r.loadS.toFixed(1).padStart(7)}`);
      }
      console.log(`\nfull / incremental: total ${(rows[1].totalS / rows[0].totalS).toFixed(1)}x, load ${(rows[1].loadS / rows[0].loadS).toFixed(1)}x; ` +
        `star tables equal: ${equal}; load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${os.cpus().length} cores`);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, JSON.stringify({
        date: new Date().toISOString(),
        dataset: { songs, events, days: DAYS, setupRowsRead: setup.rows.read },
        runs: rows,
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
