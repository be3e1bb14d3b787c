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
import type { Client } from 'pg';
import { INCREMENTAL_TABLES } from '../../src/activities/incremental';
import type { CopyStagingResult, MergeIncrementalResult, StagingPlan, WarehouseHandle, WarehouseLockResult } from '../../src/contract';
import { SQL_ROOT, sqlStatements } from '../../src/warehouse/sql-files';
import { ALL_TABLES } from '../../src/warehouse/tables';
import { countFiles, fixturePath, readExpected } from '../workflows/support';
import { expectedReport, tablesReport } from '../helpers/exact-tables';
import { redshiftTableAttributes } from '../helpers/redshift-sql';
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

describe('incremental runs over that connection: the Redshift SQL where PostgreSQL can run it', () => {
  /** Redshift's DDL for the incremental run's tables, without the table attributes PostgreSQL lacks. */
  function createRedshiftTables(client: Client): Promise<void> {
    const files = [
      ...ALL_TABLES.map((table) => (fs.existsSync(path.join(SQL_ROOT, `redshift/incremental/create/${table}.sql`)) ? `redshift/incremental/create/${table}.sql` : `redshift/create/${table}.sql`)),
      ...INCREMENTAL_TABLES.map((table) => `redshift/incremental/${table}.sql`),
    ];
    return files.reduce(async (done, file) => {
      await done;
      for (const statement of sqlStatements(file)) {
        await client.query(/^CREATE TABLE/.test(statement) ? redshiftTableAttributes(statement).portable : statement);
      }
    }, Promise.resolve());
  }

  it('two runs take the lock at once: LOCK makes them one after the other, exactly one holds it', async () => {
    const warehouse = await run<WarehouseHandle>(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_4' });
    const client = await openWarehouse(warehouse, 'holding the lock table');
    try {
      await client.query(sqlStatements('redshift/incremental/warehouse_lock.sql')[0]);
      // A taker's transaction stays open 0.5 s after its INSERT (a slow cluster): without LOCK the
      // other's INSERT would not see the row and insert a second one (no unique key on Redshift).
      await client.query("CREATE FUNCTION slow_insert() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END'");
      await client.query('CREATE TRIGGER slow_insert AFTER INSERT ON warehouse_lock FOR EACH ROW EXECUTE FUNCTION slow_insert()');
      // Both acquirers start while this transaction holds the table, so they race for the same empty table.
      await client.query('BEGIN');
      await client.query('LOCK warehouse_lock');
      const tries = ['run-a', 'run-b'].map((runId) =>
        run<WarehouseLockResult>(activities.acquireWarehouseLock, { warehouse, workflowId: `wf-${runId}`, runId, waitSeconds: 0 }).then(
          (result) => ({ runId, result }),
          (err: unknown) => ({ runId, err: err as Error }),
        ),
      );
      await waitFor('both acquirers waiting on the table lock', async () => {
        const watcher = await openWarehouse(warehouse, 'watching the table lock');
        const { rows } = await watcher.query("SELECT COUNT(*)::int AS waiting FROM pg_locks WHERE relation = 'warehouse_lock'::regclass AND NOT granted").finally(() => watcher.end());
        return rows[0].waiting === 2 ? true : undefined;
      }, 20_000);
      await client.query('COMMIT');
      const outcomes = await Promise.all(tries);
      const won = outcomes.filter((o) => 'result' in o);
      const lost = outcomes.filter((o) => 'err' in o) as Array<{ runId: string; err: Error }>;
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].err.message).toContain(`is being loaded by run wf-${won[0].runId} (${won[0].runId}`);
      const { rows } = await client.query('SELECT workflow_id, run_id FROM warehouse_lock');
      expect(rows).toEqual([{ workflow_id: `wf-${won[0].runId}`, run_id: won[0].runId }]);

      // The loser retried once the holder released: the row is its own; releasing twice releases once.
      expect(await run(activities.releaseWarehouseLock, { warehouse, workflowId: `wf-${won[0].runId}`, runId: won[0].runId })).toEqual({ released: true, waitedMs: 0 });
      await run(activities.acquireWarehouseLock, { warehouse, workflowId: `wf-${lost[0].runId}`, runId: lost[0].runId, waitSeconds: 0 });
      expect((await client.query('SELECT run_id FROM warehouse_lock')).rows).toEqual([{ run_id: lost[0].runId }]);
      expect(await run(activities.releaseWarehouseLock, { warehouse, workflowId: 'x', runId: won[0].runId })).toEqual({ released: false, waitedMs: 0 });
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
    expect(data.calls()).toHaveLength(0);
    await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId: 'existing_4' });
  }, 60_000);

  it('the plan, each file\'s rows with its path and ordinal, and the merge batch give the fixture\'s exact star tables and manifest', async () => {
    // The fixture's rows are parsed by the PostgreSQL path into a schema of their own, then moved
    // file by file into Redshift's staging by the INSERT of sql/redshift/incremental/staging/<kind>_file.sql
    // (the statement after COPY), which numbers each file's rows.
    const parsed = await run<WarehouseHandle>(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_5' });
    const warehouse = await run<WarehouseHandle>(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_6' });
    const source = { type: 'local', path: fixturePath('sparkify-small') } as const;
    const expected = readExpected('sparkify-small');
    const client = await openWarehouse(parsed, 'parsing the fixture');
    try {
      for (const table of ALL_TABLES) for (const statement of sqlStatements(`postgres/create/${table}.sql`)) await client.query(statement);
      await client.query('INSERT INTO staging_epoch (epoch) VALUES (1)');
      for (const kind of ['events', 'songs'] as const) {
        await new MockActivityEnvironment().run(() => stagePartition(kind, { warehouse: parsed, source, partition: 0, partitions: 1 }));
      }
      await client.query(`SET search_path TO ${warehouse.schema}`);
      await createRedshiftTables(client);
      await client.query('INSERT INTO staging_epoch (epoch) VALUES (1)');
    } finally {
      await client.end();
    }

    const plan = await run<StagingPlan>(activities.planStaging, { source, partitions: 1, warehouse, incremental: {} });
    expect(plan.events.files).toBe(countFiles(path.join(fixturePath('sparkify-small'), 'log_data')));
    expect(plan.songs.files).toBe(countFiles(path.join(fixturePath('sparkify-small'), 'song_data')));

    const rs = await openWarehouse(warehouse, 'staging file by file');
    try {
      const planned = (await rs.query('SELECT staging, path FROM staging_files ORDER BY staging, path')).rows as Array<{ staging: 'events' | 'songs'; path: string }>;
      expect(planned).toHaveLength(plan.events.files + plan.songs.files);
      for (const { staging: kind, path: file } of planned) {
        const copied = sqlStatements(`redshift/incremental/staging/${kind}_file.sql`, {}, {
          literals: { manifest: 's3://b/m', iam_role: 'arn:aws:iam::123456789012:role/r', region: 'us-west-2', json_paths: 's3://b/j', file },
          integers: { partitions: 1, partition: 0, max_errors: 0 },
        });
        const insert = copied.find((s) => s.startsWith(`INSERT INTO staging_${kind} `))!;
        const columns = /^INSERT INTO staging_\w+ \(([^)]*), source_file/.exec(insert)![1];
        await rs.query(`CREATE TEMPORARY TABLE staging_${kind}_load (LIKE staging_${kind})`);
        await rs.query(`INSERT INTO staging_${kind}_load (${columns}) SELECT ${columns} FROM ${parsed.schema}.staging_${kind} WHERE source_file = $1`, [file]);
        await rs.query(insert);
        await rs.query(`DROP TABLE staging_${kind}_load`);
      }
      // Each file's rows are numbered 1..n in event (song) order.
      const ordinals = await rs.query("SELECT COUNT(*)::int AS n, COUNT(DISTINCT (source_file, source_line))::int AS keys, SUM(CASE WHEN source_line BETWEEN 1 AND per_file THEN 1 ELSE 0 END)::int AS in_range FROM (SELECT source_file, source_line, COUNT(*) OVER (PARTITION BY source_file) AS per_file FROM staging_events) e");
      expect(ordinals.rows[0]).toEqual({ n: expected.tables.staging_events, keys: expected.tables.staging_events, in_range: expected.tables.staging_events });
    } finally {
      await rs.end();
    }

    const merged = await run<MergeIncrementalResult>(activities.mergeIncremental, { warehouse, workflowId: 'wf-merge', runId: 'run-merge' });
    expect(merged).toEqual({
      files: { events: plan.events.files, songs: plan.songs.files },
      rowsAdded: { songplays: expected.tables.songplays, users: expected.tables.users, songs: expected.tables.songs, artists: expected.tables.artists, time: expected.tables.time },
      usersUpdated: 0,
      alreadyMerged: false,
    });
    // A retried merge finds the run's row and merges nothing again.
    expect(await run(activities.mergeIncremental, { warehouse, workflowId: 'wf-merge', runId: 'run-merge' })).toEqual({ ...merged, alreadyMerged: true });
    const check = await openWarehouse(warehouse, 'reading the tables');
    try {
      expect(await tablesReport(check)).toEqual(expectedReport(JSON.parse(fs.readFileSync(path.join(fixturePath('sparkify-small'), 'expected.json'), 'utf8'))));
      const manifest = await check.query("SELECT staging, COUNT(*)::int AS files, SUM(rows_loaded)::int AS loaded, SUM(rows_rejected)::int AS rejected, COUNT(DISTINCT run_id)::int AS runs FROM loaded_files GROUP BY staging ORDER BY staging");
      expect(manifest.rows).toEqual([
        { staging: 'events', files: plan.events.files, loaded: expected.tables.staging_events, rejected: 0, runs: 1 },
        { staging: 'songs', files: plan.songs.files, loaded: expected.tables.staging_songs, rejected: 0, runs: 1 },
      ]);

      // A next run with one new file: a free user's later play at level paid. The merge updates
      // that user (counted in SQL inside the batch) and appends one play and its time.
      await check.query('DELETE FROM staging_events');
      await check.query('DELETE FROM staging_songs');
      await check.query('DELETE FROM staging_files');
      await check.query("INSERT INTO staging_files (staging, partitions, partition_no, path, size, etag) VALUES ('events', 1, 0, 'log_data/extra.json', 1, NULL)");
      const { rows: [free] } = await check.query("SELECT user_id FROM users WHERE level = 'free' ORDER BY user_id LIMIT 1");
      await check.query(
        `INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id, source_file, source_line, partitions, partition_no)
         SELECT artist, auth, first_name, gender, item_in_session, last_name, length, 'paid', location, method, page, registration, session_id, song, status,
                (SELECT MAX(ts) + 1000 FROM ${parsed.schema}.staging_events), user_agent, user_id, 'log_data/extra.json', 1, 1, 0
         FROM ${parsed.schema}.staging_events WHERE user_id = $1 AND page = 'NextSong' ORDER BY ts LIMIT 1`,
        [free.user_id],
      );
      expect(await run(activities.mergeIncremental, { warehouse, workflowId: 'wf-next', runId: 'run-next' })).toEqual({
        files: { events: 1, songs: 0 },
        rowsAdded: { songplays: 1, users: 0, songs: 0, artists: 0, time: 1 },
        usersUpdated: 1,
        alreadyMerged: false,
      });
      expect((await check.query('SELECT level FROM users WHERE user_id = $1', [free.user_id])).rows).toEqual([{ level: 'paid' }]);
      expect((await check.query("SELECT rows_loaded::int AS n FROM loaded_files WHERE path = 'log_data/extra.json'")).rows).toEqual([{ n: 1 }]);
    } finally {
      await check.end();
    }
    expect(redshift.calls()).toHaveLength(0);
    expect(data.calls()).toHaveLength(0);
    for (const warehouseId of ['existing_5', 'existing_6']) await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId });
  }, 120_000);
});
