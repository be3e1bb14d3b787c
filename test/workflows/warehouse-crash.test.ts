/**
 * A warehouse crash during a run, for real: the local warehouse's PostgreSQL postmaster is killed
 * with SIGKILL (crash recovery then empties the UNLOGGED staging tables, staging_progress and
 * staging_epoch with them, and the star tables too in a warehouse removed with its run). The run
 * must stage everything again and end with exactly the reference tables, reporting the restart;
 * never complete with a partial load. Also: a COPY that reports counts the warehouse does not
 * hold fails the run with LoadNotAccounted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure, WorkflowFailedError, ActivityFailure } from '@temporalio/client';
import type { CheckQualityInput, CopyStagingInput, CopyStagingResult, CreateTablesInput, SparkifyEtlResult, WarehouseHandle, WarehouseInput } from '../../src/contract';
import { expectedReport, tablesReport } from '../helpers/exact-tables';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import * as sparkifyActivities from '../../src/activities';
import { waitFor } from '../../devserver/test/helpers/wait';
import { fixturePath, FIXTURES, localWarehouseExists, STAR_TABLES, useEtlTestSuite, queryWarehouse } from './support';

const FIXTURE = 'sparkify-small';
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, FIXTURE, 'expected.json'), 'utf8'));
const source = { type: 'local', path: fixturePath(FIXTURE) } as const;
const suite = useEtlTestSuite();

/** SIGKILLs the postmaster of a local warehouse and waits until it is gone. */
async function crashWarehouse(warehouseId: string): Promise<void> {
  const pidFile = path.join(localWarehouseDirectory(warehouseId), 'data', 'postmaster.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  await waitFor(`postmaster ${pid} to exit after SIGKILL`, async () => (isAlive(pid) ? undefined : true), 5_000);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runKept(name: string, activities: Partial<typeof sparkifyActivities>): Promise<SparkifyEtlResult> {
  return suite.runEtl(`crash-${name}`, { source, concurrency: 2, partitions: 2, keepWarehouse: true }, { activities });
}

/** pg_class.relpersistence of each star table: 'u' UNLOGGED, 'p' permanent. */
function starTablePersistence(warehouse: WarehouseHandle): Promise<Record<string, string>> {
  return queryWarehouse(warehouse, async (client) => {
    const { rows } = await client.query(
      'SELECT relname, relpersistence FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relname = ANY($1)',
      [[...STAR_TABLES]],
    );
    return Object.fromEntries(rows.map((r: { relname: string; relpersistence: string }) => [r.relname, r.relpersistence]));
  });
}

async function expectExactTables(result: SparkifyEtlResult): Promise<void> {
  suite.keep(result.warehouse!);
  expect(result.accounted).toBe(true);
  const report = await queryWarehouse(result.warehouse!, (client) => tablesReport(client));
  expect(report).toEqual(expectedReport(expected));
}

describe('a warehouse whose PostgreSQL is SIGKILLed', () => {
  it('mid-staging, after a partition completed: staging runs again and the tables are exact', async () => {
    let crashed = false;
    const copySongsThenCrash = async (input: CopyStagingInput): Promise<CopyStagingResult> => {
      const result = await sparkifyActivities.copyStagingSongs(input);
      if (!crashed && input.partition === 0) {
        crashed = true;
        // This partition's rows are committed, and now lost with the rest of staging.
        await crashWarehouse(input.warehouse.warehouseId);
      }
      return result;
    };
    const result = await runKept('staging', { copyStagingSongs: copySongsThenCrash });
    expect(crashed).toBe(true);
    await expectExactTables(result);
    expect(result.recovery.stagingRounds).toBe(2);
    expect(result.recovery.warehouseRestarts).toBe(1);
  }, 150_000);

  it('mid-transform: the transforms find staging lost, staging and transforms run again', async () => {
    let crashed = false;
    const songplaysAfterCrash = async (input: WarehouseInput) => {
      if (!crashed) {
        crashed = true;
        await crashWarehouse(input.warehouse.warehouseId);
      }
      return sparkifyActivities.insertSongplays(input);
    };
    const result = await runKept('transform', { insertSongplays: songplaysAfterCrash });
    expect(crashed).toBe(true);
    await expectExactTables(result);
    expect(result.recovery.stagingRounds).toBe(2);
    expect(result.recovery.warehouseRestarts).toBe(1);
  }, 150_000);
});

describe('star tables by the warehouse\'s lifetime', () => {
  it('removed with the run: UNLOGGED; a SIGKILL after songplays committed empties them with staging, and staging and transforms run again', async () => {
    let createdKept: boolean | undefined;
    let persistence: Record<string, string> | undefined;
    let songplaysAfterRecovery: number | undefined;
    let tablesAtChecks: unknown;
    let crashed = false;
    const createTables = async (input: CreateTablesInput) => {
      createdKept = input.keptAfterRun;
      return sparkifyActivities.createTables(input);
    };
    const songplaysThenCrash = async (input: WarehouseInput) => {
      const result = await sparkifyActivities.insertSongplays(input);
      if (!crashed) {
        crashed = true;
        persistence = await starTablePersistence(input.warehouse);
        await crashWarehouse(input.warehouse.warehouseId);
        // The committed songplays rows went with the crash (the server restarts on this connection).
        songplaysAfterRecovery = await queryWarehouse(input.warehouse, async (client) => Number((await client.query('SELECT count(*) AS n FROM songplays')).rows[0].n));
      }
      return result;
    };
    // The warehouse is gone when the run ends: its tables are read once a quality check share has run.
    const checkQuality = async (input: CheckQualityInput) => {
      const checks = await sparkifyActivities.checkQuality(input);
      tablesAtChecks = await queryWarehouse(input.warehouse, (client) => tablesReport(client));
      return checks;
    };
    const result = await suite.runEtl(
      'crash-run-scoped',
      { source, concurrency: 2, partitions: 2 },
      { activities: { createTables, insertSongplays: songplaysThenCrash, checkQuality } },
    );
    expect(crashed).toBe(true);
    expect(createdKept).toBe(false);
    expect(persistence).toEqual({ songplays: 'u', users: 'u', songs: 'u', artists: 'u', time: 'u' });
    expect(songplaysAfterRecovery).toBe(0);
    expect(result.accounted).toBe(true);
    expect(result.tables).toEqual(expected.tables);
    expect(result.quality.failed).toEqual([]);
    expect(result.recovery.stagingRounds).toBe(2);
    expect(result.recovery.warehouseRestarts).toBe(1);
    expect(tablesAtChecks).toEqual(expectedReport(expected));
    expect(localWarehouseExists(result.warehouseId)).toBe(false);
  }, 150_000);

  it('kept after the run: permanent', async () => {
    const result = await suite.runEtl('kept-permanent', { source, keepWarehouse: true });
    suite.keep(result.warehouse!);
    const persistence = await starTablePersistence(result.warehouse!);
    expect(persistence).toEqual({ songplays: 'p', users: 'p', songs: 'p', artists: 'p', time: 'p' });
  }, 150_000);
});

describe('final accounting', () => {
  it('a COPY whose report disagrees with the warehouse fails the run with LoadNotAccounted naming the counts', async () => {
    const copySongsMiscounting = async (input: CopyStagingInput): Promise<CopyStagingResult> => {
      const result = await sparkifyActivities.copyStagingSongs(input);
      return input.partition === 0 ? { ...result, linesRead: result.linesRead + 1, rowsLoaded: result.rowsLoaded + 1 } : result;
    };
    const err = await suite
      .runEtl('crash-miscount', { source, concurrency: 2, partitions: 2 }, { activities: { copyStagingSongs: copySongsMiscounting } })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).not.toBeInstanceOf(ActivityFailure);
    expect((cause as ApplicationFailure).type).toBe('LoadNotAccounted');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect((cause as ApplicationFailure).message).toContain(`songs rowsLoaded: the COPY activities reported ${expected.tables.staging_songs + 1}, the progress rows say ${expected.tables.staging_songs}`);
  }, 150_000);
});
