/**
 * A staging COPY whose connection is lost before the server has accepted the COPY: pg-copy-streams
 * then never hears the server again. The batch (and the plan's listing) must report the lost
 * connection and roll back without waiting for an answer that cannot come. Before this was so, a
 * staging activity kept heartbeating forever with no connection (test/faults saw it hang).
 */
import { Client } from 'pg';
import { StagingBatch } from '../../src/activities/staging/batch';
import { recordListing } from '../../src/activities/staging/plan-listing';
import type { WarehouseHandle } from '../../src/contract';
import { TcpProxy } from '../helpers/tcp-proxy';
import { startWarehouseForTests, type WarehouseForTests } from './support';

/** `promise`'s outcome, or a rejection naming what did not finish within `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

let wh: WarehouseForTests;
let warehouse: WarehouseHandle;
beforeAll(async () => {
  wh = await startWarehouseForTests('copy_lost');
  warehouse = await wh.fresh('tables');
}, 90_000);
afterAll(() => wh?.stop(), 60_000);

/** A client through `proxy`, on the warehouse's schema; its connection errors are collected. */
async function connectThrough(proxy: TcpProxy, errors: Error[]): Promise<Client> {
  const client = new Client({ host: '127.0.0.1', port: proxy.port, user: wh.pg.user, password: wh.pg.password, database: wh.pg.database });
  client.on('error', (err) => errors.push(err));
  await client.connect();
  await client.query(`SET search_path TO ${warehouse.schema}`);
  return client;
}

/** Waits (bounded) until the client has heard that its connection is gone. */
async function lost(errors: Error[]): Promise<void> {
  await within(10_000, 'the lost connection to be heard', (async () => {
    while (errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  })());
}

describe('a COPY whose connection is lost before the server accepted it', () => {
  it('a staging batch throws the connection error and rolls back at once', async () => {
    const proxy = new TcpProxy(wh.pg.port, { holdServerAfter: 'COPY staging_songs' });
    await proxy.start();
    const errors: Error[] = [];
    const client = await connectThrough(proxy, errors);
    try {
      const batch = (await StagingBatch.begin(client, 'queries/copy_staging_songs.sql', 'text', 'staging_songs', async () => true))!;
      batch.row('1\tAR1\t\\N\t\\N\t\\N\tA\tSO1\tT\t1.5\t2000', 'song_data/A/TRA.json', 1);
      proxy.cutAll();
      await lost(errors);
      await expect(within(10_000, 'finish()', batch.finish())).rejects.toThrow(/ECONNRESET|terminated/);
      await within(10_000, 'rollback()', batch.rollback());
    } finally {
      await client.end().catch(() => undefined);
      await proxy.stop();
    }
  });

  for (const pending of [1, 0]) {
    it(`the plan's listing throws the connection error at once (${pending === 1 ? 'a listed row' : 'nothing'} waiting to be written)`, async () => {
      const proxy = new TcpProxy(wh.pg.port, { holdServerAfter: 'COPY staging_files' });
      await proxy.start();
      const errors: Error[] = [];
      const client = await connectThrough(proxy, errors);
      try {
        const listing = recordListing(client, 'songs', 2, async (record) => {
          if (pending > 0) await record({ path: 'song_data/A/TRA.json', size: 10 }, 0);
          proxy.cutAll();
          await lost(errors);
          return 'listed';
        });
        await expect(within(10_000, 'recordListing()', listing)).rejects.toThrow(/ECONNRESET|terminated/);
      } finally {
        await client.end().catch(() => undefined);
        await proxy.stop();
      }
    });
  }
});
