/**
 * A warehouse crash during a run, for real: the local warehouse's PostgreSQL postmaster is killed
 * with SIGKILL (crash recovery then empties the UNLOGGED staging tables, staging_progress and
 * staging_epoch with them). The run must stage everything again and end with exactly the
 * reference tables, reporting the restart; never complete with a partial load. Also: a COPY that
 * reports counts the warehouse does not hold fails the run with LoadNotAccounted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApplicationFailure, WorkflowFailedError, ActivityFailure } from '@temporalio/client';
import type { CopyStagingInput, CopyStagingResult, SparkifyEtlResult, WarehouseInput } from '../../src/contract';
import { expectedReport, tablesReport } from '../helpers/exact-tables';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import * as sparkifyActivities from '../../src/activities';
import { sparkifyEtl } from '../../src/workflows';
import { fixturePath, FIXTURES, useEtlTestSuite, withWarehouse } from './support';

const FIXTURE = 'sparkify-small';
const expected = JSON.parse(fs.readFileSync(path.join(FIXTURES, FIXTURE, 'expected.json'), 'utf8'));
const source = { type: 'local', path: fixturePath(FIXTURE) } as const;
const suite = useEtlTestSuite();

/** SIGKILLs the postmaster of a local warehouse and waits until it is gone. */
async function crashWarehouse(warehouseId: string): Promise<void> {
  const pidFile = path.join(localWarehouseDirectory(warehouseId), 'data', 'postmaster.pid');
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`postmaster ${pid} still alive 5 s after SIGKILL`);
}

async function runKept(name: string, activities: Partial<typeof sparkifyActivities>): Promise<SparkifyEtlResult> {
  const taskQueue = suite.temporal.taskQueue(name);
  const worker = await suite.temporal.worker(taskQueue, { activities });
  return worker.runUntil(
    suite.temporal.env.client.workflow.execute(sparkifyEtl, {
      taskQueue,
      workflowId: `crash-${name}`,
      args: [{ source, concurrency: 2, partitions: 2, keepWarehouse: true }],
    }),
  );
}

async function expectExactTables(result: SparkifyEtlResult): Promise<void> {
  suite.keep(result.warehouse!);
  expect(result.accounted).toBe(true);
  const report = await withWarehouse(result.warehouse!, (client) => tablesReport(client));
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
  });

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
  });
});

describe('final accounting', () => {
  it('a COPY whose report disagrees with the warehouse fails the run with LoadNotAccounted naming the counts', async () => {
    const copySongsMiscounting = async (input: CopyStagingInput): Promise<CopyStagingResult> => {
      const result = await sparkifyActivities.copyStagingSongs(input);
      return input.partition === 0 ? { ...result, linesRead: result.linesRead + 1, rowsLoaded: result.rowsLoaded + 1 } : result;
    };
    const taskQueue = suite.temporal.taskQueue('miscount');
    const worker = await suite.temporal.worker(taskQueue, { activities: { copyStagingSongs: copySongsMiscounting } });
    const err = await worker.runUntil(
      suite.temporal.env.client.workflow
        .execute(sparkifyEtl, { taskQueue, workflowId: 'crash-miscount', args: [{ source, concurrency: 2, partitions: 2 }] })
        .then(() => undefined, (e: unknown) => e),
    );
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).not.toBeInstanceOf(ActivityFailure);
    expect((cause as ApplicationFailure).type).toBe('LoadNotAccounted');
    expect((cause as ApplicationFailure).nonRetryable).toBe(true);
    expect((cause as ApplicationFailure).message).toContain(`songs rowsLoaded: the COPY activities reported ${expected.tables.staging_songs + 1}, the progress rows say ${expected.tables.staging_songs}`);
  });
});
