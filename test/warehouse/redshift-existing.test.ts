/**
 * The redshift provider with an existing cluster (dwh.cfg [CLUSTER] HOST / DB_PORT / DB_NAME /
 * DB_USER / DB_PASSWORD): no cluster is created or deleted, the warehouse is a schema of its own,
 * and every connection is TLS with the certificate verified. The cluster here is the embedded
 * PostgreSQL accepting TLS only (Redshift speaks its protocol); the Redshift control plane is
 * mocked only to prove it is never called.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mockClient } from 'aws-sdk-client-mock';
import * as activities from '../../src/activities';
import { stagePartition } from '../../src/activities/staging/stage-partition';
import { readDwhConfig } from '../../src/config/dwh-cfg';
import { setFileSetting } from '../../src/config/env';
import { REDSHIFT_ENV, useRedshiftConfig } from '../../src/config/redshift-settings';
import type { CopyStagingResult, WarehouseHandle } from '../../src/contract';
import { sqlStatements } from '../../src/warehouse/sql-files';
import { ALL_TABLES } from '../../src/warehouse/tables';
import { fixturePath, readExpected } from '../workflows/support';
import { openWarehouse } from '../../src/warehouse/connection';
import { waitFor } from '../../devserver/test/helpers/wait';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { makeCertificate, requireTls } from '../helpers/tls';

const redshift = mockClient(RedshiftClient);
const data = mockClient(RedshiftDataClient);
let pg: TestPostgres;
let certs: string;

beforeAll(async () => {
  certs = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-rs-tls-'));
  const { cert, key } = makeCertificate(certs, 'server');
  makeCertificate(certs, 'other');
  pg = await startTestPostgres('rs-existing');
  await requireTls(pg, cert, key);
  await waitFor('plain-text connections to be refused', () => pg.connect().then((c) => c.end().then(() => undefined), () => true), 10_000);
  const file = path.join(certs, 'dwh.cfg');
  fs.writeFileSync(file, `[CLUSTER]\nHOST=127.0.0.1\nDB_NAME=postgres\nDB_USER=${pg.user}\nDB_PASSWORD=${pg.password}\nDB_PORT=${pg.port}\n`, { mode: 0o600 });
  useRedshiftConfig(readDwhConfig(file, { secrets: true }));
  process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT = cert;
}, 90_000);

afterAll(async () => {
  for (const name of Object.values(REDSHIFT_ENV)) setFileSetting(name, undefined);
  delete process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT;
  redshift.restore();
  data.restore();
  await pg?.stop();
  if (certs) fs.rmSync(certs, { recursive: true, force: true });
}, 60_000);

const run = <R>(fn: (...args: never[]) => Promise<R>, arg: unknown): Promise<R> => new MockActivityEnvironment().run(fn as (a: unknown) => Promise<R>, arg);

it('provisions a schema of its own over verified TLS, tears down only that schema, never touches the cluster', async () => {
  const handle = await run<WarehouseHandle>(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_1' });
  expect(handle).toEqual({ provider: 'redshift', warehouseId: 'existing_1', host: '127.0.0.1', port: pg.port, database: 'postgres', user: pg.user, schema: 'sparkify_existing_1' });
  expect(JSON.stringify(handle)).not.toContain(pg.password);

  const client = await openWarehouse(handle, 'checking the session');
  try {
    const { rows } = await client.query("SELECT ssl, current_schema() AS schema FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    expect(rows).toEqual([{ ssl: true, schema: 'sparkify_existing_1' }]);
  } finally {
    await client.end();
  }

  expect(await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId: 'existing_1' })).toEqual({ warehouseId: 'existing_1', removed: true });
  expect(await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId: 'existing_1' })).toEqual({ warehouseId: 'existing_1', removed: false });
  expect(redshift.calls()).toHaveLength(0);
  expect(data.calls()).toHaveLength(0);
});

it('refuses a server whose certificate the configured CA did not sign', async () => {
  process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT = path.join(certs, 'other.crt');
  try {
    await expect(run(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_2' })).rejects.toMatchObject({ message: expect.stringMatching(/certificate/i) });
  } finally {
    process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT = path.join(certs, 'server.crt');
  }
});

it('runs the warehouse activities\' transactions over that connection (RedshiftSession over pg): the fixture\'s star tables, counts and checks', async () => {
  // The embedded PostgreSQL stands in for the cluster's wire protocol only: this proves the
  // Redshift session's transport (one pg transaction per batch, rows and row counts read back,
  // the schema set), on the portable SQL both dialects run; Redshift's own DDL and COPY cannot run
  // here, so the tables are PostgreSQL's and the fixture is staged by the PostgreSQL path.
  const warehouse = await run<WarehouseHandle>(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_3' });
  const client = await openWarehouse(warehouse, 'creating the tables');
  try {
    for (const table of ALL_TABLES) for (const statement of sqlStatements(`postgres/create/${table}.sql`)) await client.query(statement);
    await client.query('INSERT INTO staging_epoch (epoch) VALUES (1)');
  } finally {
    await client.end();
  }
  const source = { type: 'local', path: fixturePath('sparkify-small') } as const;
  const staged: CopyStagingResult[] = [];
  for (const kind of ['events', 'songs'] as const) {
    staged.push(await new MockActivityEnvironment().run(() => stagePartition(kind, { warehouse, source, partition: 0, partitions: 1 })));
  }
  const expected = readExpected('sparkify-small');
  expect(staged.map((s) => s.rowsLoaded)).toEqual([expected.tables.staging_events, expected.tables.staging_songs]);

  const account = await run<{ committed: Record<string, { rowsLoaded: number }>; stored: Record<string, { rowsLoaded: number }> }>(activities.verifyStaging, { warehouse, epoch: 1 });
  expect(account.stored.events.rowsLoaded).toBe(expected.tables.staging_events);
  expect(account.committed.songs.rowsLoaded).toBe(expected.tables.staging_songs);
  for (const [name, table] of [['insertUsers', 'users'], ['insertSongs', 'songs'], ['insertArtists', 'artists'], ['insertTime', 'time'], ['insertSongplays', 'songplays']] as const) {
    expect(await run(activities[name], { warehouse })).toEqual({ table, rows: expected.tables[table] });
  }
  const summary = await run<{ tables: Record<string, number>; serverStartedAt?: string }>(activities.summarizeLoad, { warehouse });
  expect(summary.tables).toEqual(expected.tables);
  expect(summary.serverStartedAt).toBeUndefined();
  const checks = await run<Array<{ offendingRows: number }>>(activities.checkQuality, { warehouse });
  expect(checks).toHaveLength(14);
  expect(checks.filter((c) => c.offendingRows > 0)).toEqual([]);
  expect(await run(activities.sampleLoadErrors, { warehouse, limit: 3 })).toEqual([]);
  expect(redshift.calls()).toHaveLength(0);
  expect(data.calls()).toHaveLength(0);
  await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId: 'existing_3' });
}, 120_000);
