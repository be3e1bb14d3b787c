/**
 * `sparkify gc` and the worker-start sweep against real runs on our devserver with real embedded
 * PostgreSQL warehouses: the warehouse of a terminated run (whose teardown never ran) is removed and
 * its postmaster stopped; a running run's and a keepWarehouse run's are kept; --dry-run removes
 * nothing; a warehouse without a marker is only reported unless --force.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Worker } from '@temporalio/worker';
import type { WarehouseOwner } from '../../src/contract';
import { sparkifyEtl } from '../../src/workflows';
import { sweepOrphanedWarehouses } from '../../src/cli/lib/warehouse-sweep';
import { temporalSettings } from '../../src/client/connection';
import type { GcReport } from '../../src/client/warehouse-gc';
import { dataDirectory } from '../../src/warehouse/embedded/cluster';
import { isAlive, readPostmaster } from '../../src/warehouse/embedded/postmaster';
import { OWNER_MARKER } from '../../src/warehouse/local-provider';
import { warehouseProvider } from '../../src/warehouse/registry';
import { sparkifyInProcess } from '../helpers/cli';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';

// Three runs each start an embedded PostgreSQL on a loaded machine.
jest.setTimeout(240_000);

const SOURCE = path.resolve(__dirname, '..', 'fixtures', 'sparkify-small');
let home: string;
let temporal: TemporalForTests;
let worker: Worker;
let running: Promise<void>;
let release: () => void = () => undefined;
const gate = new Promise<void>((resolve) => (release = resolve));
const reachedCreateTables = new Set<string>();

/** The warehouse directory whose marker names `workflowId`. */
function directoryOf(workflowId: string): string | undefined {
  for (const name of fs.existsSync(home) ? fs.readdirSync(home) : []) {
    const marker = path.join(home, name, OWNER_MARKER);
    if (fs.existsSync(marker) && (JSON.parse(fs.readFileSync(marker, 'utf8')) as WarehouseOwner).workflowId === workflowId) {
      return path.join(home, name);
    }
  }
  return undefined;
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function gc(...flags: string[]): Promise<GcReport> {
  const result = await sparkifyInProcess('gc', '--provider', 'local', '--json', ...flags);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as GcReport;
}

const actionsOf = (report: GcReport) => Object.fromEntries(report.entries.map((e) => [path.basename(e.location), e.action]));

const ids = { terminated: 'gc-terminated', running: 'gc-running', kept: 'gc-kept' };
const dirs: Record<keyof typeof ids, string> = { terminated: '', running: '', kept: '' };
let terminatedPostmaster: number;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-gc-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  delete process.env.SPARKIFY_LOCAL_PASSWORD;
  temporal = await startTemporalForTests();
  process.env.TEMPORAL_ADDRESS = temporal.address;
  const taskQueue = temporal.taskQueue('gc');
  worker = await temporal.worker(taskQueue, {
    activities: {
      // Holds every run right after provisioning, so its warehouse exists and teardown has not run.
      async createTables() {
        reachedCreateTables.add(Context.current().info.workflowExecution!.workflowId);
        await gate;
        throw ApplicationFailure.nonRetryable('released by the test');
      },
    },
  });
  running = worker.run();
  const client = temporal.env.client;
  for (const [key, workflowId] of Object.entries(ids)) {
    const input = { source: { type: 'local' as const, path: SOURCE }, keepWarehouse: key === 'kept' };
    await client.workflow.start(sparkifyEtl, { taskQueue, workflowId, args: [input] });
  }
  await until('every run to provision its warehouse', () => Object.values(ids).every((id) => reachedCreateTables.has(id)));
  for (const [key, workflowId] of Object.entries(ids) as [keyof typeof ids, string][]) dirs[key] = directoryOf(workflowId)!;
  terminatedPostmaster = (await readPostmaster(dataDirectory(dirs.terminated)))!.pid;
  // Teardown never runs for a terminated run: its warehouse is left behind, server and all.
  await client.workflow.getHandle(ids.terminated).terminate('gc test');
  await client.workflow.getHandle(ids.kept).terminate('gc test');
  // A warehouse-looking directory nobody claims.
  fs.mkdirSync(path.join(home, 'stray'));
  fs.writeFileSync(path.join(home, 'stray', 'password'), 'x');
});

afterAll(async () => {
  release();
  worker?.shutdown();
  await running?.catch(() => undefined);
  const local = warehouseProvider('local');
  for (const found of await local.listWarehouses().catch(() => [])) {
    await local.removeWarehouse(found.name, { heartbeat: () => undefined }).catch(() => undefined);
  }
  await temporal?.stop();
  delete process.env.TEMPORAL_ADDRESS;
  fs.rmSync(home, { recursive: true, force: true });
}, 120_000);

it('finds a marker naming each run (namespace, workflow, run, keepWarehouse)', () => {
  const owner = JSON.parse(fs.readFileSync(path.join(dirs.kept, OWNER_MARKER), 'utf8')) as WarehouseOwner;
  expect(owner).toMatchObject({ namespace: 'default', workflowId: ids.kept, keepWarehouse: true, temporalAddress: temporal.address });
  expect(owner.runId).toMatch(/\S/);
  expect((JSON.parse(fs.readFileSync(path.join(dirs.running, OWNER_MARKER), 'utf8')) as WarehouseOwner).keepWarehouse).toBe(false);
});

it('--dry-run lists the terminated run\'s warehouse and removes nothing', async () => {
  const report = await gc('--dry-run');
  expect(actionsOf(report)).toEqual({
    [path.basename(dirs.terminated)]: 'would remove',
    [path.basename(dirs.running)]: 'kept',
    [path.basename(dirs.kept)]: 'kept',
    stray: 'kept',
  });
  for (const dir of [...Object.values(dirs), path.join(home, 'stray')]) expect(fs.existsSync(dir)).toBe(true);
  expect(isAlive(terminatedPostmaster)).toBe(true);
});

it('removes the terminated run\'s warehouse and stops its postmaster; keeps the running, the kept and the unmarked', async () => {
  const began = Date.now();
  const report = await gc();
  console.log(`gc removed 1 warehouse (of 4) in ${Date.now() - began} ms`);
  const byName = Object.fromEntries(report.entries.map((e) => [path.basename(e.location), e]));
  expect(byName[path.basename(dirs.terminated)]).toMatchObject({ action: 'removed', reason: expect.stringContaining('TERMINATED') });
  expect(byName[path.basename(dirs.running)]).toMatchObject({ action: 'kept', reason: expect.stringContaining('is running') });
  expect(byName[path.basename(dirs.kept)]).toMatchObject({ action: 'kept', reason: expect.stringContaining('asked to keep') });
  expect(byName.stray).toMatchObject({ action: 'kept', reason: expect.stringContaining('--force') });
  expect(fs.existsSync(dirs.terminated)).toBe(false);
  expect(isAlive(terminatedPostmaster)).toBe(false);
  for (const dir of [dirs.running, dirs.kept, path.join(home, 'stray')]) expect(fs.existsSync(dir)).toBe(true);
});

it('removes the warehouse of a run whose in-memory devserver died, keeps one whose devserver lives', async () => {
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const owner = (pid: number, workflowId: string): WarehouseOwner => ({
    namespace: 'default', workflowId, runId: 'r1', keepWarehouse: false, createdAt: new Date().toISOString(),
    temporalAddress: '127.0.0.1:1', temporalPid: pid,
  });
  for (const [name, pid] of [['dead_devserver', dead], ['live_devserver', process.pid]] as const) {
    fs.mkdirSync(path.join(home, name));
    fs.writeFileSync(path.join(home, name, OWNER_MARKER), JSON.stringify(owner(pid, name)));
  }
  const report = await gc();
  const byName = Object.fromEntries(report.entries.map((e) => [path.basename(e.location), e]));
  expect(byName.dead_devserver).toMatchObject({ action: 'removed', reason: expect.stringContaining(`pid ${dead}) is gone`) });
  expect(byName.live_devserver).toMatchObject({ action: 'kept', reason: expect.stringContaining('still runs') });
  expect(fs.existsSync(path.join(home, 'dead_devserver'))).toBe(false);
  fs.rmSync(path.join(home, 'live_devserver'), { recursive: true });
});

it('the worker-start sweep removes a warehouse whose run closed and tells the user', async () => {
  const runningPostmaster = (await readPostmaster(dataDirectory(dirs.running)))!.pid;
  await temporal.env.client.workflow.getHandle(ids.running).terminate('gc test');
  const said: string[] = [];
  const settings = temporalSettings({ address: temporal.address, namespace: 'default' });
  await sweepOrphanedWarehouses(settings, temporal.env.connection, (line) => said.push(line));
  expect(said).toEqual([
    expect.stringMatching(/^orphaned warehouses: kept: local warehouse stray .*owner unknown/),
    expect.stringMatching(new RegExp(`^orphaned warehouses: removed: local warehouse ${path.basename(dirs.running)} .*TERMINATED`)),
  ]);
  expect(fs.existsSync(dirs.running)).toBe(false);
  expect(isAlive(runningPostmaster)).toBe(false);
  expect(fs.existsSync(dirs.kept)).toBe(true);
});

it('--force removes a warehouse without a marker; Temporal unreachable keeps every owned one', async () => {
  process.env.TEMPORAL_ADDRESS = '127.0.0.1:1';
  try {
    const unreachable = await gc('--force');
    expect(unreachable.temporalAnswered).toBe(false);
    expect(actionsOf(unreachable)).toEqual({ [path.basename(dirs.kept)]: 'kept', stray: 'removed' });
  } finally {
    process.env.TEMPORAL_ADDRESS = temporal.address;
  }
  expect(fs.existsSync(path.join(home, 'stray'))).toBe(false);
  expect(fs.existsSync(dirs.kept)).toBe(true);
});
