/**
 * The `local` provider really starts and stops an embedded PostgreSQL per warehouse, reuses it
 * when provisioning is retried, and keeps its password out of everything it returns.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { WarehouseHandle } from '../../src/contract';
import { dataDirectory, passwordFile, stopCluster } from '../../src/warehouse/embedded/cluster';
import { isAlive, readPostmaster } from '../../src/warehouse/embedded/postmaster';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import { warehouseProvider } from '../../src/warehouse/registry';

// Every test here starts, stops or restarts an embedded PostgreSQL cluster.
jest.setTimeout(90_000);

const run = <A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  env.run(fn as (...args: unknown[]) => Promise<R>, ...args) as Promise<R>;

let home: string;
const target = { provider: 'local' as const, warehouseId: 'local-provider-test' };

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-home-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  delete process.env.SPARKIFY_LOCAL_PASSWORD;
});
afterAll(async () => {
  await warehouseProvider('local').teardown(target.warehouseId, { heartbeat: () => undefined }).catch(() => undefined);
  fs.rmSync(home, { recursive: true, force: true });
}, 60_000);

async function canQuery(handle: WarehouseHandle, password: string): Promise<boolean> {
  const client = new Client({ host: handle.host, port: handle.port, user: handle.user, database: handle.database, password });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('local warehouse lifecycle', () => {
  let handle: WarehouseHandle;
  let password: string;
  const heartbeats: unknown[] = [];

  it('provisions a running cluster under SPARKIFY_HOME, heartbeating while it starts', async () => {
    const env = new MockActivityEnvironment();
    env.on('heartbeat', (d: unknown) => heartbeats.push(d));
    handle = await run(env, activities.provisionWarehouse, target);
    const directory = localWarehouseDirectory(target.warehouseId);
    expect(directory.startsWith(home + path.sep)).toBe(true);
    expect(handle).toEqual({
      provider: 'local', warehouseId: target.warehouseId, host: '127.0.0.1', port: expect.any(Number),
      database: 'postgres', user: 'sparkify', schema: expect.stringMatching(/^sparkify_local_provider_test_[0-9a-f]{8}$/),
    });
    expect(fs.existsSync(path.join(dataDirectory(directory), 'PG_VERSION'))).toBe(true);
    expect(heartbeats.length).toBeGreaterThan(0);
    password = fs.readFileSync(passwordFile(directory), 'utf8').trim();
    expect(await canQuery(handle, password)).toBe(true);
  });

  it('keeps the generated password in a 0600 file and nowhere in the handle or heartbeats', () => {
    const mode = fs.statSync(passwordFile(localWarehouseDirectory(target.warehouseId))).mode & 0o777;
    expect(mode).toBe(0o600);
    expect(password.length).toBeGreaterThanOrEqual(24);
    expect(JSON.stringify(handle)).not.toContain(password);
    expect(JSON.stringify(heartbeats)).not.toContain(password);
    expect(Object.keys(handle)).not.toContain('password');
  });

  it('plans no parallel workers on a machine of up to 4 cores (the workflow runs its own sessions side by side)', async () => {
    const client = new Client({ host: handle.host, port: handle.port, user: handle.user, database: handle.database, password });
    await client.connect();
    try {
      const { rows } = await client.query('SHOW max_parallel_workers_per_gather');
      expect(rows[0].max_parallel_workers_per_gather).toBe(os.availableParallelism() <= 4 ? '0' : '2');
    } finally {
      await client.end();
    }
  });

  it('reuses the running cluster when provisioning is retried', async () => {
    const again = await run(new MockActivityEnvironment({ attempt: 2 }), activities.provisionWarehouse, target);
    expect(again).toEqual(handle);
  });

  it('restarts a stopped cluster when an activity needs it, keeping its tables', async () => {
    const env = new MockActivityEnvironment();
    await run(env, activities.createTables, { warehouse: handle });
    const directory = localWarehouseDirectory(target.warehouseId);
    await stopCluster({ directory });
    expect(await readPostmaster(dataDirectory(directory))).toBeUndefined();
    expect(await canQuery(handle, password)).toBe(false);
    // As after a worker restart: the old handle still works; the server comes back from its data.
    expect((await run(env, activities.summarizeLoad, { warehouse: handle })).tables.users).toBe(0);
    expect(await readPostmaster(dataDirectory(directory))).toBeDefined();
  });

  it('restarts a stopped cluster when provisioning is retried', async () => {
    const env = new MockActivityEnvironment();
    const directory = localWarehouseDirectory(target.warehouseId);
    await stopCluster({ directory });
    const restarted = await run(env, activities.provisionWarehouse, target);
    expect({ ...restarted, port: 0 }).toEqual({ ...handle, port: 0 });
    handle = restarted;
    const summary = await run(env, activities.summarizeLoad, { warehouse: handle });
    expect(summary.tables.staging_events).toBe(0);
  });

  it('tears down: stops the server, deletes the directory, and a second teardown finds nothing', async () => {
    const directory = localWarehouseDirectory(target.warehouseId);
    const postmaster = await readPostmaster(dataDirectory(directory));
    expect(postmaster).toBeDefined();
    const env = new MockActivityEnvironment();
    expect(await run(env, activities.teardownWarehouse, target)).toEqual({ warehouseId: target.warehouseId, removed: true });
    expect(fs.existsSync(directory)).toBe(false);
    expect(isAlive(postmaster!.pid)).toBe(false);
    expect(await canQuery(handle, password)).toBe(false);
    expect(await run(env, activities.teardownWarehouse, target)).toEqual({ warehouseId: target.warehouseId, removed: false });
  });

  it('fails non-retryably when an activity needs a local warehouse that no longer exists', async () => {
    await expect(run(new MockActivityEnvironment(), activities.summarizeLoad, { warehouse: handle })).rejects.toMatchObject({
      type: 'WarehouseNotFound',
      nonRetryable: true,
      message: expect.stringContaining(target.warehouseId),
    });
  });
});
