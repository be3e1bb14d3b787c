/**
 * Failures in the middle of a run: a COPY that dies after committing part of its partition, and a
 * cancellation during staging. Faults are injected by wrapping the real activities under the
 * same names, so the workflow and every other activity are the production code.
 */
import { Context } from '@temporalio/activity';
import { CancelledFailure, WorkflowFailedError } from '@temporalio/client';
import type { CopyStagingInput, CopyStagingResult, EtlProgress, TeardownWarehouseInput } from '../../src/contract';
import { DEFAULT_STAGING_OPTIONS, stagePartition, type StagingOptions } from '../../src/activities/staging/stage-partition';
import * as sparkifyActivities from '../../src/activities';
import { warehouseIdFor } from '../../src/workflows/input';
import {
  fixturePath,
  localWarehouseExists,
  readExpected,
  useEtlTestSuite,
  queryWarehouse,
} from './support';
import { progressQuery } from '../../src/workflows';
import { within } from '../../devserver/test/helpers/wait';

const FIXTURE = 'sparkify-small';
const expected = readExpected(FIXTURE);
const source = { type: 'local', path: fixturePath(FIXTURE) } as const;

const suite = useEtlTestSuite();

class InjectedCrash extends Error {
  override name = 'InjectedCrash';
}

/** Lets a test replace Context.heartbeat for the current attempt (the SDK calls it per instance). */
function interceptHeartbeat(ctx: Context, after: (details: unknown) => void): void {
  const original = ctx.heartbeat.bind(ctx);
  (ctx as { heartbeat: (details?: unknown) => void }).heartbeat = (details?: unknown) => {
    original(details);
    after(details);
  };
}

describe('a COPY activity that dies mid-way', () => {
  it('resumes on retry from its committed progress, loading no row twice', async () => {
    const crashes = new Map<number, number>(); // partition → files committed when attempt 1 died
    const finished = new Map<number, { attempt: number; filesDone: number }>();
    // The real staging code, committing after every file so a partition has several commits; the
    // first attempt dies right after a commit: on even partitions once it has heartbeated, on odd
    // ones before (the heartbeat then lags the committed progress).
    const copyEventsDyingOnce = async (input: CopyStagingInput): Promise<CopyStagingResult> => {
      const ctx = Context.current();
      const crash = (filesDone: number) => {
        crashes.set(input.partition, filesDone);
        throw new InjectedCrash(`partition ${input.partition} died after ${filesDone} file(s)`);
      };
      const options: StagingOptions = { ...DEFAULT_STAGING_OPTIONS, batchFiles: 1 };
      if (ctx.info.attempt === 1 && input.partition % 2 === 0) {
        interceptHeartbeat(ctx, (details) => {
          const filesDone = (details as Partial<CopyStagingResult> | undefined)?.filesDone ?? 0;
          if (filesDone >= 1) crash(filesDone);
        });
      } else if (ctx.info.attempt === 1) {
        options.afterCommit = (committed) => crash(committed.filesDone);
      }
      const result = await stagePartition('events', input, options);
      finished.set(input.partition, { attempt: ctx.info.attempt, filesDone: result.filesDone });
      return result;
    };

    const result = await suite.runEtl(
      'resilience-copy-crash',
      { source, concurrency: 2, partitions: 2, keepWarehouse: true },
      { activities: { copyStagingEvents: copyEventsDyingOnce } },
    );
    suite.keep(result.warehouse!);

    // Every partition that crashed finished on a later attempt, and at least one had files left
    // after the crash, so the retry really resumed in the middle.
    expect(crashes.size).toBeGreaterThan(0);
    for (const [partition, committed] of crashes) {
      expect(finished.get(partition)!.attempt).toBeGreaterThan(1);
      expect(finished.get(partition)!.filesDone).toBeGreaterThanOrEqual(committed);
    }
    expect([...crashes].some(([partition, committed]) => finished.get(partition)!.filesDone > committed)).toBe(true);

    const staged = await queryWarehouse(result.warehouse!, async (client) => {
      const { rows } = await client.query(
        'SELECT count(*)::int AS total, count(DISTINCT (source_file, source_line))::int AS distinct_rows FROM staging_events',
      );
      return rows[0] as { total: number; distinct_rows: number };
    });
    expect(staged).toEqual({ total: expected.tables.staging_events, distinct_rows: expected.tables.staging_events });
    for (const [table, rows] of Object.entries(expected.tables)) {
      expect({ table, rows: result.tables[table] }).toEqual({ table, rows });
    }
    expect(result.accounted).toBe(true);
  }, 120_000);
});

describe('cancelling a run during staging', () => {
  it('stops the COPYs, then tears the warehouse down', async () => {
    const order: string[] = [];
    let copyRunning!: () => void;
    const copyStarted = new Promise<void>((resolve) => (copyRunning = resolve));
    // A songs COPY that, after its real work, keeps the stage open (heartbeating) until cancelled.
    const copySongsThatLingers = async (input: CopyStagingInput): Promise<CopyStagingResult> => {
      const result = await sparkifyActivities.copyStagingSongs(input);
      const ctx = Context.current();
      copyRunning();
      try {
        for (let waited = 0; waited < 30_000; waited += 100) {
          ctx.heartbeat(result);
          await ctx.sleep(100);
        }
      } catch (err) {
        order.push(`copy stopped: ${(err as Error).name}`);
        throw err;
      }
      throw new Error('the lingering COPY was not cancelled within 30 s');
    };
    const teardownRecorded = async (input: TeardownWarehouseInput) => {
      order.push('teardown');
      return sparkifyActivities.teardownWarehouse(input);
    };

    const workflowId = 'resilience-cancel';
    let during: EtlProgress | undefined;
    const err = await suite
      .runEtl(workflowId, { source, concurrency: 1, partitions: 1 }, {
        activities: { copyStagingSongs: copySongsThatLingers, teardownWarehouse: teardownRecorded },
        onStart: async (handle) => {
          await within('the songs COPY to start', 90_000, copyStarted);
          during = await handle.query(progressQuery);
          await handle.cancel();
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(during?.stage).toBe('staging');
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(order).toEqual(['copy stopped: CancelledFailure', 'teardown']);
    expect(localWarehouseExists(warehouseIdFor(workflowId))).toBe(false);
  }, 150_000);
});
