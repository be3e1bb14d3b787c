/**
 * Error classification against a real server: what a retry can fix is retryable, what it cannot
 * (credentials, SQL, configuration) fails at once with a message naming the cause.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { WarehouseHandle } from '../../src/contract';
import { warehouseFailure } from '../../src/warehouse/errors';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

// Some tests stop and restart the server.
jest.setTimeout(45_000);

const run = <A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> =>
  env.run(fn as (...args: unknown[]) => Promise<R>, ...args) as Promise<R>;

let pg: TestPostgres;
let handle: WarehouseHandle;
const env = new MockActivityEnvironment();

beforeAll(async () => {
  pg = await startTestPostgres('errors');
  process.env.SPARKIFY_POSTGRES_URL = pg.url;
  handle = await run(env, activities.provisionWarehouse, { provider: 'postgres', warehouseId: 'errors' });
}, 90_000);
afterAll(() => pg?.stop(), 60_000);

it('a wrong password is a non-retryable authentication failure that does not echo the password', async () => {
  const wrong = 'not-the-password-123';
  process.env.SPARKIFY_POSTGRES_URL = pg.url.replace(encodeURIComponent(pg.password), wrong);
  try {
    const failure = await run(env, activities.createTables, { warehouse: handle }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'WarehouseAuthentication', nonRetryable: true });
    expect((failure as Error).message).toMatch(/authentication failed/);
    expect((failure as Error).message).not.toContain(wrong);
    expect((failure as Error).message).not.toContain(pg.password);
  } finally {
    process.env.SPARKIFY_POSTGRES_URL = pg.url;
  }
});

it('SQL against a missing table is a non-retryable SQL failure naming the table', async () => {
  // No createTables yet: no table of the pipeline exists in this schema.
  await expect(run(env, activities.summarizeLoad, { warehouse: handle })).rejects.toMatchObject({
    type: 'WarehouseSql',
    nonRetryable: true,
    message: expect.stringMatching(/relation "(load_errors|staging_events|staging_epoch)" does not exist \(42P01\)/),
  });
});

it('a stopped server is a retryable failure, and the same call succeeds once it is back', async () => {
  await run(env, activities.createTables, { warehouse: handle });
  await pg.pause();
  try {
    await expect(run(env, activities.summarizeLoad, { warehouse: handle })).rejects.toMatchObject({
      type: 'WarehouseUnavailable',
      nonRetryable: false,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  } finally {
    await pg.resume();
  }
  process.env.SPARKIFY_POSTGRES_URL = pg.url;
  const moved = { ...handle, port: pg.port };
  expect((await run(env, activities.summarizeLoad, { warehouse: moved })).tables.songplays).toBe(0);
});

it.each([
  ['57P03', false, 'WarehouseUnavailable'],
  ['53300', false, 'WarehouseUnavailable'],
  ['08006', false, 'WarehouseUnavailable'],
  ['40P01', false, 'WarehouseUnavailable'],
  ['ECONNRESET', false, 'WarehouseUnavailable'],
  ['28P01', true, 'WarehouseAuthentication'],
  ['28000', true, 'WarehouseAuthentication'],
  ['3D000', true, 'WarehouseConfiguration'],
  ['42601', true, 'WarehouseSql'],
  ['42703', true, 'WarehouseSql'],
  ['22P02', true, 'WarehouseData'],
])('classifies code %s as nonRetryable=%s (%s)', (code, nonRetryable, type) => {
  const err = Object.assign(new Error('boom'), { code });
  const failure = warehouseFailure(err, 'testing');
  expect(failure).toMatchObject({ type, nonRetryable });
  expect(failure.message).toContain('while testing: boom');
});
