/**
 * A named local warehouse's server is stopped once unused for SPARKIFY_WAREHOUSE_IDLE_SECONDS
 * (1 s here), never while a run holds its load lock, and the next run starts it again. Real
 * activities, embedded PostgreSQL, our devserver; the worker runs in this process.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENV } from '../../src/config/env';
import { generateDataset } from '../../src/generator';
import { dataDirectory } from '../../src/warehouse/embedded/cluster';
import { isAlive, readPostmaster } from '../../src/warehouse/embedded/postmaster';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import { namedWarehouseId } from '../../src/workflows/input';
import { queryWarehouse, useEtlTestSuite } from '../workflows/support';

const suite = useEtlTestSuite();
const IDLE_SECONDS = 1;
let root: string;
let previousIdle: string | undefined;

beforeAll(() => {
  previousIdle = process.env[ENV.warehouseIdleSeconds];
  process.env[ENV.warehouseIdleSeconds] = String(IDLE_SECONDS);
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-idle-'));
});

afterAll(() => {
  if (previousIdle === undefined) delete process.env[ENV.warehouseIdleSeconds];
  else process.env[ENV.warehouseIdleSeconds] = previousIdle;
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (at most `ms`) until no postmaster serves `dataDir`; returns how long that took. */
async function waitUntilStopped(dataDir: string, ms: number): Promise<number> {
  const began = Date.now();
  while ((await readPostmaster(dataDir)) !== undefined) {
    if (Date.now() - began > ms) throw new Error(`the warehouse in ${dataDir} still runs after ${ms} ms`);
    await sleep(100);
  }
  return Date.now() - began;
}

test('an idle named warehouse is stopped, not while a run holds its lock, and started again by the next run', async () => {
  const dataset = path.join(root, 'dataset');
  await generateDataset({ out: dataset, songs: 20, events: 300, days: 2, seed: 77 });
  const days = fs.readdirSync(path.join(dataset, 'log_data'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile()).map((e) => path.relative(dataset, path.join(e.parentPath, e.name))).sort();
  expect(days).toHaveLength(2);
  const source = path.join(root, 'source');
  fs.cpSync(path.join(dataset, 'song_data'), path.join(source, 'song_data'), { recursive: true });
  const addDay = (relative: string): void => {
    fs.mkdirSync(path.dirname(path.join(source, relative)), { recursive: true });
    fs.copyFileSync(path.join(dataset, relative), path.join(source, relative));
  };
  const run = (workflowId: string) =>
    suite.runEtl(workflowId, { source: { type: 'local', path: source }, incremental: { warehouseName: 'idle' } });
  const dataDir = dataDirectory(localWarehouseDirectory(namedWarehouseId('idle')));

  addDay(days[0]);
  const first = await run('idle-day-1');
  suite.keep(first.warehouse!);
  // Another process's run holds the load lock (taken within the idle period of the first run's last use).
  await queryWarehouse(first.warehouse!, (client) =>
    client.query("INSERT INTO warehouse_lock VALUES ('load', 'another-run', 'another-run-id', CURRENT_TIMESTAMP)"),
  );
  const held = await readPostmaster(dataDir);
  expect(held).toBeDefined();
  await sleep(3500 * IDLE_SECONDS);
  expect(isAlive(held!.pid)).toBe(true);
  await queryWarehouse(first.warehouse!, (client) => client.query("DELETE FROM warehouse_lock WHERE run_id = 'another-run-id'"));
  await waitUntilStopped(dataDir, 10_000);
  expect(isAlive(held!.pid)).toBe(false);

  addDay(days[1]);
  const second = await run('idle-day-2');
  expect(second.incremental).toMatchObject({ filesAdded: { events: 1, songs: 0 }, filesAlreadyLoaded: { events: 1, songs: 20 } });
  const manifest = await queryWarehouse(second.warehouse!, async (client) =>
    (await client.query("SELECT path, workflow_id FROM loaded_files WHERE staging = 'events' ORDER BY path")).rows,
  );
  expect(manifest.map((row) => row.workflow_id)).toEqual(['idle-day-1', 'idle-day-2']);
  await waitUntilStopped(dataDir, 10_000);
}, 60_000);
