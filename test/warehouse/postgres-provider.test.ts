/**
 * The `postgres` provider on an existing server (SPARKIFY_POSTGRES_URL): a warehouse is a schema;
 * plus the registry and configuration failures.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { ProvisionWarehouseInput, WarehouseHandle } from '../../src/contract';
import { schemaForWarehouse } from '../../src/warehouse/names';
import { registeredProviders, warehouseProvider } from '../../src/warehouse/registry';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

const run = <A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  env.run(fn as (...args: unknown[]) => Promise<R>, ...args) as Promise<R>;

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startTestPostgres('provider');
}, 90_000);
afterAll(() => pg?.stop(), 60_000);
beforeEach(() => {
  process.env.SPARKIFY_POSTGRES_URL = pg.url;
});

async function schemaExists(schema: string): Promise<boolean> {
  const client = await pg.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

it('provisions a schema named after the warehouse, idempotently, and drops it on teardown', async () => {
  const env = new MockActivityEnvironment();
  const target = { provider: 'postgres' as const, warehouseId: 'etl_run_42' };
  const handle: WarehouseHandle = await run(env, activities.provisionWarehouse, target);
  expect(handle).toEqual({
    provider: 'postgres', warehouseId: 'etl_run_42', host: '127.0.0.1', port: pg.port, database: 'postgres', user: pg.user,
    schema: 'sparkify_etl_run_42',
  });
  expect(JSON.stringify(handle)).not.toContain(pg.password);
  expect(await schemaExists('sparkify_etl_run_42')).toBe(true);
  expect(await run(env, activities.provisionWarehouse, target)).toEqual(handle);

  expect(await run(env, activities.createTables, { warehouse: handle })).toEqual({
    tables: ['staging_events', 'staging_songs', 'load_errors', 'staging_progress', 'staging_epoch', 'staging_files', 'songplays', 'users', 'songs', 'artists', 'time'],
    serverStartedAt: expect.stringMatching(/^\d{4}-\d\d-\d\d /),
  });
  expect(await run(env, activities.teardownWarehouse, target)).toEqual({ warehouseId: 'etl_run_42', removed: true });
  expect(await schemaExists('sparkify_etl_run_42')).toBe(false);
  expect(await run(env, activities.teardownWarehouse, target)).toEqual({ warehouseId: 'etl_run_42', removed: false });
});

it('keeps warehouses apart: two ids, two schemas', async () => {
  const env = new MockActivityEnvironment();
  const a = await run(env, activities.provisionWarehouse, { provider: 'postgres', warehouseId: 'Run-A' });
  const b = await run(env, activities.provisionWarehouse, { provider: 'postgres', warehouseId: 'run_a' });
  expect(a.schema).not.toBe(b.schema);
  expect(await schemaExists(a.schema)).toBe(true);
  expect(await schemaExists(b.schema)).toBe(true);
  await run(env, activities.teardownWarehouse, { provider: 'postgres', warehouseId: 'Run-A' });
  expect(await schemaExists(a.schema)).toBe(false);
  expect(await schemaExists(b.schema)).toBe(true);
  await run(env, activities.teardownWarehouse, { provider: 'postgres', warehouseId: 'run_a' });
});

it('names schemas sparkify_<id>: valid identifiers of at most 63 characters', () => {
  expect(schemaForWarehouse('abc_1')).toBe('sparkify_abc_1');
  expect(schemaForWarehouse('ETL/1')).toMatch(/^sparkify_etl_1_[0-9a-f]{8}$/);
  const long = schemaForWarehouse('x'.repeat(200));
  expect(long.length).toBeLessThanOrEqual(63);
  expect(long).toMatch(/^sparkify_x+_[0-9a-f]{8}$/);
  expect(schemaForWarehouse('x'.repeat(200))).not.toBe(schemaForWarehouse('x'.repeat(201)));
});

it('fails non-retryably, naming the setting but not its value, when SPARKIFY_POSTGRES_URL is missing or malformed', async () => {
  const env = new MockActivityEnvironment();
  delete process.env.SPARKIFY_POSTGRES_URL;
  await expect(run(env, activities.provisionWarehouse, { provider: 'postgres', warehouseId: 'x' })).rejects.toMatchObject({
    type: 'ConfigurationError', nonRetryable: true, message: expect.stringContaining('SPARKIFY_POSTGRES_URL is not set'),
  });
  process.env.SPARKIFY_POSTGRES_URL = 'mysql://user:s3cret-value@host/db';
  const failure = await run(env, activities.provisionWarehouse, { provider: 'postgres', warehouseId: 'x' }).catch((e: Error) => e);
  expect(failure).toMatchObject({ type: 'ConfigurationError', nonRetryable: true });
  expect((failure as Error).message).toContain('SPARKIFY_POSTGRES_URL');
  expect((failure as Error).message).not.toContain('s3cret-value');
});

it('rejects a provider this build does not have, naming it, without retrying', async () => {
  expect(registeredProviders()).toEqual(['local', 'postgres', 'redshift']);
  await expect(
    run(new MockActivityEnvironment(), activities.provisionWarehouse, { provider: 'redshift-serverless', warehouseId: 'x' } as unknown as ProvisionWarehouseInput),
  ).rejects.toMatchObject({ type: 'UnknownWarehouseProvider', nonRetryable: true, message: expect.stringContaining('"redshift-serverless"') });
});

it('records the owning run in the schema, lists it (and an unmarked schema) and removes it', async () => {
  const provider = warehouseProvider('postgres');
  const hooks = { heartbeat: () => undefined };
  const owner = { namespace: 'default', workflowId: 'wf-owned', runId: 'run-1', keepWarehouse: false, createdAt: '2026-12-02T08:00:00.000Z' };
  const handle = await provider.provision('gc_owned', hooks, owner);
  // A retried provision keeps the first owner.
  await provider.provision('gc_owned', hooks, { ...owner, runId: 'run-2' });
  await provider.provision('gc_unmarked', hooks);
  const env = new MockActivityEnvironment();
  await run(env, activities.createTables, { warehouse: handle }); // recreating the tables keeps the marker
  const found = (await provider.listWarehouses()).filter((w) => w.name.startsWith('sparkify_gc_'));
  expect(found).toEqual([
    { provider: 'postgres', name: 'sparkify_gc_owned', location: `schema sparkify_gc_owned on 127.0.0.1:${pg.port}/postgres`, owner },
    {
      provider: 'postgres', name: 'sparkify_gc_unmarked', location: `schema sparkify_gc_unmarked on 127.0.0.1:${pg.port}/postgres`,
      markerProblem: expect.stringContaining('no readable warehouse_owner table'),
    },
  ]);
  expect(await provider.removeWarehouse('sparkify_gc_owned', hooks)).toBe(true);
  expect(await provider.removeWarehouse('sparkify_gc_unmarked', hooks)).toBe(true);
  expect(await schemaExists('sparkify_gc_owned')).toBe(false);
  await expect(provider.removeWarehouse('public; drop', hooks)).rejects.toThrow('not a sparkify schema name');
});
