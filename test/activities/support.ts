/**
 * Shared setup of the activity tests: one embedded PostgreSQL per test file (the `postgres`
 * provider points at it through SPARKIFY_POSTGRES_URL), and a fresh schema per test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from 'pg';
import * as activities from '../../src/activities';
import type { InsertResult, SourceRef, WarehouseHandle } from '../../src/contract';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

export interface WarehouseForTests {
  pg: TestPostgres;
  /** A new warehouse (schema) with every table created. */
  fresh(label: string): Promise<WarehouseHandle>;
  /** Runs a query in the handle's schema and returns its rows. One client: await each call before the next. */
  rows<T = Record<string, unknown>>(handle: WarehouseHandle, sql: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

let counter = 0;

/** The star tables' inserts in the workflow's order (songplays reads songs and artists, time the events). */
export const STAR_INSERTS: Array<(input: { warehouse: WarehouseHandle }) => Promise<InsertResult>> = [activities.insertUsers, activities.insertSongs, activities.insertArtists, activities.insertTime, activities.insertSongplays];

/** Loads `source` into `warehouse` as the workflow does, in one partition: plan, both copies, every star insert. */
export async function loadWithActivities(warehouse: WarehouseHandle, source: SourceRef): Promise<void> {
  const env = new MockActivityEnvironment();
  await runIn(env, activities.planStaging, { source, partitions: 1, warehouse });
  await runIn(env, activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 });
  await runIn(env, activities.copyStagingSongs, { warehouse, source, partition: 0, partitions: 1 });
  for (const insert of STAR_INSERTS) await runIn(env, insert, { warehouse });
}

/** MockActivityEnvironment.run with the activity's own argument and result types. */
export function runIn<A extends unknown[], R>(env: MockActivityEnvironment, fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return env.run(fn as (...args: unknown[]) => Promise<R>, ...args) as Promise<R>;
}

export async function startWarehouseForTests(label: string): Promise<WarehouseForTests> {
  const pg = await startTestPostgres(label);
  process.env.SPARKIFY_POSTGRES_URL = pg.url;
  const created: WarehouseHandle[] = [];
  let client: Client | undefined;
  let busy = false;
  return {
    pg,
    async fresh(name: string) {
      const env = new MockActivityEnvironment();
      const warehouseId = `${label}_${name}_${++counter}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
      const warehouse = await runIn(env, activities.provisionWarehouse, { provider: 'postgres', warehouseId });
      await runIn(env, activities.createTables, { warehouse });
      created.push(warehouse);
      return warehouse;
    },
    async rows<T>(handle: WarehouseHandle, sql: string, params: unknown[] = []) {
      // The search_path and the query must not interleave with another call's on the same client.
      if (busy) throw new Error('rows() called while another rows() call runs on the same client: await each call');
      busy = true;
      try {
        client ??= await pg.connect();
        await client.query(`SET search_path TO ${handle.schema}`);
        return (await client.query(sql, params)).rows as T[];
      } finally {
        busy = false;
      }
    },
    async stop() {
      await client?.end().catch(() => undefined);
      await pg.stop();
    },
  };
}

/** Writes files (relative path → content) under a new temporary directory and returns its source. */
export function writeDataset(files: Record<string, string | Buffer>): SourceRef & { path: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-dataset-'));
  for (const [relative, content] of Object.entries(files)) {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return { type: 'local', path: root };
}

export function removeDataset(source: SourceRef): void {
  if (source.path !== undefined) fs.rmSync(source.path, { recursive: true, force: true });
}

/** An event line as the logs write it: every field present, nulls spelled out. */
export function eventLine(fields: Record<string, unknown>): string {
  return JSON.stringify({
    artist: null, auth: 'Logged In', firstName: 'Ann', gender: 'F', itemInSession: 0, lastName: 'Lee',
    length: null, level: 'free', location: 'Here, CA', method: 'PUT', page: 'NextSong',
    registration: 1540919166796.0, sessionId: 1, song: null, status: 200, ts: 1541105830796,
    userAgent: 'UA', userId: '7',
    ...fields,
  });
}

export function songFile(fields: Record<string, unknown>): string {
  return JSON.stringify({
    num_songs: 1, artist_id: 'AR1', artist_latitude: null, artist_longitude: null, artist_location: '',
    artist_name: 'Artist', song_id: 'SO1', title: 'Title', duration: 200.5, year: 0,
    ...fields,
  });
}
