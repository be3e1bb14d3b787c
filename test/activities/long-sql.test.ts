/**
 * Activities that wait on long SQL: they heartbeat while the statement runs, and a cancelled
 * activity cancels its statement on the server instead of leaving it running.
 */
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { inWarehouse, SQL_HEARTBEAT_MS } from '../../src/activities/warehouse-activity';
import { startWarehouseForTests, type WarehouseForTests } from './support';

let wh: WarehouseForTests;
beforeAll(async () => {
  wh = await startWarehouseForTests('long_sql');
}, 90_000);
afterAll(() => wh?.stop(), 60_000);

const sleeping = async (): Promise<number> => {
  const admin = await wh.pg.connect();
  try {
    const { rows } = await admin.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(%'");
    return rows[0].n as number;
  } finally {
    await admin.end();
  }
};

it('heartbeats while a statement runs, and on cancellation cancels the statement and throws the cancellation', async () => {
  const warehouse = await wh.fresh('sleep');
  const env = new MockActivityEnvironment();
  const beats: number[] = [];
  env.on('heartbeat', () => beats.push(Date.now()));
  const started = Date.now();
  const running = env.run(() =>
    inWarehouse(warehouse, 'sleeping', async (client) => {
      await client.query('SELECT pg_sleep(60)');
      return 'finished';
    }),
  );
  const outcome = running.then(
    () => 'finished',
    (err: unknown) => err,
  );
  await new Promise((resolve) => setTimeout(resolve, SQL_HEARTBEAT_MS + 1500));
  // One heartbeat at the start, then one per interval while the statement runs.
  expect(beats.length).toBeGreaterThanOrEqual(2);
  expect(beats[1] - started).toBeLessThan(SQL_HEARTBEAT_MS + 1000);
  expect(await sleeping()).toBe(1);

  const cancelledAt = Date.now();
  env.cancel();
  const err = await outcome;
  expect(err).toBeInstanceOf(CancelledFailure);
  // The statement was cancelled on the server, not left to run its 60 s.
  expect(Date.now() - cancelledAt).toBeLessThan(5000);
  expect(await sleeping()).toBe(0);
}, 30_000);
