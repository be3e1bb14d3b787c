/**
 * Incremental runs into a long-lived warehouse with the worker SIGKILLed mid-run. (1) Killed
 * during staging, the run then terminated (lost for good): the next run takes over the lock the
 * dead run left and loads every file exactly once. (2) Killed during the merge: a new worker
 * finishes the same run (the merge's one transaction either committed or rolled back), and the
 * next run loads nothing. Either way the star tables equal the independent reference and the
 * manifest lists each file once with its rows: no file is half-loaded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SparkifyEtlResult, WarehouseHandle } from '../../src/contract';
import type { Client as PgClient } from 'pg';
import { timelineOf } from '../../src/client/history-timeline';
import { connectPostgres } from '../../src/warehouse/client';
import { namedWarehouseId } from '../../src/workflows/input';
import { warehouseProvider } from '../../src/warehouse/registry';
import { expectedReport, pendingActivities, reportAndTeardown, Scenario, useFaultEnvironment, waitFor } from './harness';

const env = useFaultEnvironment('incremental', { songs: 300, events: 30_000, days: 4, seed: 21 });

const STAR_CHECKS = ['songplays', 'users', 'songs', 'artists', 'time'];

/** The scenario's long-lived warehouse (its server runs in the scenario's worker), on a connection of this process. */
const NAMED: WarehouseHandle = { provider: 'local', warehouseId: namedWarehouseId('faults'), host: '', port: 0, database: 'postgres', user: 'sparkify', schema: 'sparkify_named_faults' };

async function inWarehouse<T>(home: string, body: (client: PgClient) => Promise<T>): Promise<T> {
  const previous = process.env.SPARKIFY_HOME;
  process.env.SPARKIFY_HOME = home;
  try {
    const client = await connectPostgres(await warehouseProvider('local').connectionConfig(NAMED), 'fault suite check');
    try {
      await client.query(`SET search_path TO ${NAMED.schema}`);
      return await body(client);
    } finally {
      await client.end();
    }
  } finally {
    if (previous === undefined) delete process.env.SPARKIFY_HOME;
    else process.env.SPARKIFY_HOME = previous;
  }
}

/** The manifest per kind, read before the warehouse is reported and torn down. */
async function manifest(home: string): Promise<unknown[]> {
  return inWarehouse(home, async (client) =>
    (await client.query(
      'SELECT staging, COUNT(*)::int AS files, COUNT(DISTINCT path)::int AS paths, SUM(rows_loaded)::int AS loaded FROM loaded_files GROUP BY staging ORDER BY staging',
    )).rows,
  );
}

async function checkWarehouse(scenario: Scenario, result: SparkifyEtlResult): Promise<void> {
  const files = (dir: string) => fs.readdirSync(path.join(env.dataset, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  expect(await manifest(scenario.home)).toEqual([
    { staging: 'events', files: files('log_data'), paths: files('log_data'), loaded: env.expected.tables.staging_events },
    { staging: 'songs', files: files('song_data'), paths: files('song_data'), loaded: env.expected.tables.staging_songs },
  ]);
  const report = await reportAndTeardown(scenario.home, result);
  const reference = expectedReport(env.expected);
  for (const table of STAR_CHECKS) expect({ table, rows: report.tables[table] }).toEqual({ table, rows: reference.tables[table] });
  expect(report.checksums).toEqual(reference.checksums);
  expect(report.songplaysWithSong).toBe(reference.songplaysWithSong);
}

const incremental = ['--incremental', '--warehouse-name', 'faults'];

describe('SIGKILL of the worker in an incremental run', () => {
  it.concurrent('during staging, the run then terminated: the next run takes over its lock and loads every file once', async () => {
    const scenario = new Scenario('incremental-staging', env.devserver.address);
    try {
      const first = await scenario.worker('worker-1');
      const lost = `faults-incremental-lost-${Date.now()}`;
      await scenario.startRun(lost, env.dataset, incremental);
      await waitFor('a staging COPY to start', 120_000, async () =>
        (await pendingActivities(env.temporal.client, lost)).find((a) => a.type === 'copyStagingEvents' && a.started), 10);
      first.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      await env.temporal.client.workflow.getHandle(lost).terminate('the fault suite gives this run up');

      await scenario.worker('worker-2');
      const next = `faults-incremental-next-${Date.now()}`;
      await scenario.startRun(next, env.dataset, incremental);
      const result = (await env.temporal.client.workflow.getHandle(next).result()) as SparkifyEtlResult;
      expect(result.incremental!.filesAdded.events).toBeGreaterThan(0);
      expect(result.incremental!.filesAlreadyLoaded).toEqual({ events: 0, songs: 0 });
      await checkWarehouse(scenario, result);
    } finally {
      await scenario.stopAll();
      scenario.removeHome();
    }
  }, 300_000);

  it.concurrent('during the merge: a new worker finishes the run, the next run loads nothing', async () => {
    const scenario = new Scenario('incremental-merge', env.devserver.address);
    try {
      const first = await scenario.worker('worker-1');
      const killed = `faults-incremental-merge-${Date.now()}`;
      await scenario.startRun(killed, env.dataset, incremental);
      await waitFor('the merge to start', 120_000, async () =>
        (await pendingActivities(env.temporal.client, killed)).find((a) => a.type === 'mergeIncremental' && a.started), 5);
      // Killed while the merge's transaction is open and has written (the server gave it an xid).
      await inWarehouse(scenario.home, async (client) =>
        waitFor('the merge transaction to write', 60_000, async () => {
          const { rows } = await client.query('SELECT 1 FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()');
          return rows.length > 0 ? true : undefined;
        }, 2));
      first.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      await scenario.worker('worker-2');
      const handle = env.temporal.client.workflow.getHandle(killed);
      const resumed = (await handle.result()) as SparkifyEtlResult;
      expect(resumed.incremental!.filesAdded.events).toBeGreaterThan(0);
      // The killed attempt never completed: the merge ended on a later attempt.
      const merge = timelineOf(await handle.fetchHistory()).activities.find((a) => a.activityType === 'mergeIncremental')!;
      expect(merge.attempt).toBeGreaterThanOrEqual(2);

      const next = `faults-incremental-after-${Date.now()}`;
      await scenario.startRun(next, env.dataset, incremental);
      const result = (await env.temporal.client.workflow.getHandle(next).result()) as SparkifyEtlResult;
      expect(result.incremental).toMatchObject({ filesAdded: { events: 0, songs: 0 }, rowsAdded: { songplays: 0, users: 0, songs: 0, artists: 0, time: 0 } });
      await checkWarehouse(scenario, result);
    } finally {
      await scenario.stopAll();
      scenario.removeHome();
    }
  }, 300_000);
});
