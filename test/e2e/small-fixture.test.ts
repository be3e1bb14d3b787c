/**
 * sparkifyEtl end to end on the committed small fixture: real activities, a real embedded
 * PostgreSQL per run, our devserver. Counts come from expected.json (computed independently).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { temporal as temporal_proto } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import type {
  CopyStagingInput,
  CopyStagingResult,
  EtlProgress,
  SparkifyEtlResult,
  StagingKind,
  StagingPlan,
  WarehouseHandle,
} from '../../src/contract';
import { localWarehouseDirectory } from '../../src/warehouse/local-provider';
import * as sparkifyActivities from '../../src/activities';
import { warehouseIdFor } from '../../src/workflows/input';
import {
  countFiles,
  fixturePath,
  localWarehouseExists,
  readExpected,
  STAR_TABLES,
  tableChecksum,
  useEtlTestSuite,
  queryWarehouse,
} from '../workflows/support';

const FIXTURE = 'sparkify-small';
const expected = readExpected(FIXTURE);
const source = { type: 'local', path: fixturePath(FIXTURE) } as const;

const suite = useEtlTestSuite();

interface FirstRun {
  result: SparkifyEtlResult;
  progress: EtlProgress[];
  checksums: Record<string, string>;
}

/**
 * The run the first three tests look at, made by whichever of them runs first (so each can run
 * alone, e.g. with -t): concurrency 2, warehouse kept, every progress answer recorded.
 */
let firstRun: Promise<FirstRun> | undefined;
function runFirst(): Promise<FirstRun> {
  firstRun ??= (async () => {
    const progress: EtlProgress[] = [];
    const result = await suite.runEtl('e2e-small-1', { source, concurrency: 2, keepWarehouse: true }, { onProgress: (p) => progress.push(p) });
    suite.keep(result.warehouse!);
    return { result, progress, checksums: await starChecksums(result.warehouse!) };
  })();
  return firstRun;
}

async function starChecksums(handle: WarehouseHandle): Promise<Record<string, string>> {
  return queryWarehouse(handle, async (client) => {
    const sums: Record<string, string> = {};
    for (const table of STAR_TABLES) sums[table] = await tableChecksum(client, table);
    return sums;
  });
}

describe('sparkifyEtl on test/fixtures/sparkify-small', () => {
  it('loads every table with the expected row counts, accounts for every row, and reports progress', async () => {
    const { result: first, progress: seen } = await runFirst();

    for (const [table, rows] of Object.entries(expected.tables)) {
      expect({ table, rows: first.tables[table] }).toEqual({ table, rows });
    }
    const read = Object.values(expected.read).reduce((a, b) => a + b, 0);
    const rejected = Object.values(expected.rejectedByKind).reduce((a, b) => a + b, 0);
    expect(first.rows).toEqual({ read, loaded: read - rejected, rejected, rejectedByKind: expected.rejectedByKind });
    expect(first.accounted).toBe(true);
    expect(first.warehouseId).toBe(warehouseIdFor('e2e-small-1'));
    expect(first.warehouse).toMatchObject({ provider: 'local', warehouseId: first.warehouseId });
    expect(JSON.stringify(first)).not.toMatch(/password/i);
    expect(Object.keys(first.durationsMs).sort()).toEqual(
      ['createTables', 'transforms', 'dimensions', 'fact', 'dimensionChecks', 'plan', 'provision', 'staging', 'verify', 'quality'].sort(),
    );
    // The dimensions and then their checks beside the fact in 'transforms', the remaining checks in
    // 'verify' (no summary: a full load's is its steps' counts): each part's time fits in its stage's.
    const { transforms, dimensions, fact, dimensionChecks, verify, quality } = first.durationsMs;
    expect(transforms).toBeGreaterThanOrEqual(Math.max(dimensions! + dimensionChecks!, fact!));
    expect(verify).toBeGreaterThanOrEqual(quality!);
    expect(first.quality.mode).toBe('fail');
    expect(first.quality.failed).toEqual([]);
    expect(first.quality.checks.map((c) => [c.check, c.offendingRows])).toEqual(
      fs.readdirSync(path.resolve(__dirname, '../../sql/checks')).sort().map((file) => [file.replace(/\.sql$/, ''), 0]),
    );

    // The query answered while the run was going, and ended on the final tallies.
    const songFiles = countFiles(path.join(source.path, 'song_data'));
    const eventFiles = countFiles(path.join(source.path, 'log_data'));
    expect(seen.some((p) => p.stage === 'provision' || p.stage === 'createTables' || p.stage === 'staging')).toBe(true);
    expect(seen.at(-1)).toEqual({
      stage: 'done',
      files: { events: { done: eventFiles, total: eventFiles }, songs: { done: songFiles, total: songFiles } },
      rowsRead: read,
      rowsLoaded: read - rejected,
      rowsRejected: rejected,
    });

    // The warehouse password never travels: not in the result, not anywhere in the history.
    const password = fs.readFileSync(path.join(localWarehouseDirectory(first.warehouseId), 'password'), 'utf8').trim();
    expect(password.length).toBeGreaterThan(8);
    const history = await suite.temporal.env.client.workflow.getHandle('e2e-small-1').fetchHistory();
    const historyBytes = Buffer.from(temporal_proto.api.history.v1.History.encode(history).finish());
    expect(historyBytes.includes(first.warehouse!.schema)).toBe(true); // the search below does see payloads
    expect(historyBytes.includes(password)).toBe(false);
    expect(JSON.stringify(first)).not.toContain(password);
  }, 120_000);

  it('gives identical star tables when run again on the same data (other partitioning too)', async () => {
    const { result: first, checksums: firstChecksums } = await runFirst();
    // Also watch the fan-out: one COPY per partition, never more than `concurrency` per kind at once.
    const calls = { events: [] as number[], songs: [] as number[] };
    const inFlight = { events: 0, songs: 0 };
    const most = { events: 0, songs: 0 };
    const counted =
      (kind: StagingKind, copy: typeof sparkifyActivities.copyStagingEvents) =>
      async (input: CopyStagingInput): Promise<CopyStagingResult> => {
        calls[kind].push(input.partition);
        most[kind] = Math.max(most[kind], ++inFlight[kind]);
        try {
          return await copy(input);
        } finally {
          inFlight[kind]--;
        }
      };
    const second = await suite.runEtl('e2e-small-2', { source, concurrency: 3, partitions: 5, keepWarehouse: true }, {
      activities: {
        copyStagingEvents: counted('events', sparkifyActivities.copyStagingEvents),
        copyStagingSongs: counted('songs', sparkifyActivities.copyStagingSongs),
      },
    });
    suite.keep(second.warehouse!);
    const plan = (await new MockActivityEnvironment().run(sparkifyActivities.planStaging, { source, partitions: 5 })) as StagingPlan;
    for (const kind of ['events', 'songs'] as const) {
      const nonEmpty = plan[kind].filesPerPartition.flatMap((files, partition) => (files > 0 ? [partition] : []));
      expect({ kind, partitions: [...calls[kind]].sort((a, b) => a - b) }).toEqual({ kind, partitions: nonEmpty });
      expect(most[kind]).toBeLessThanOrEqual(3);
    }
    expect(second.warehouseId).not.toBe(first.warehouseId);
    expect(second.tables).toEqual(first.tables);
    expect(await starChecksums(second.warehouse!)).toEqual(firstChecksums);
  }, 120_000);

  it('replays the first run from its history (the workflow code is deterministic)', async () => {
    await runFirst();
    const history = await suite.temporal.env.client.workflow.getHandle('e2e-small-1').fetchHistory();
    await expect(Worker.runReplayHistory({ workflowBundle: suite.temporal.bundle }, history, 'e2e-small-1')).resolves.toBeUndefined();
  }, 120_000);

  it('fails at start on invalid input, naming the field, before creating anything', async () => {
    const taskQueue = suite.temporal.taskQueue('invalid');
    const worker = await suite.temporal.worker(taskQueue);
    const workflowId = 'e2e-invalid-input';
    const failure = await worker.runUntil(async () => {
      // By type name with untyped JSON, as the Temporal CLI would send it: the compiler cannot check this input.
      const handle = await suite.temporal.env.client.workflow.start('sparkifyEtl', {
        taskQueue,
        workflowId,
        args: [{ source, concurrency: 'x' }],
      });
      const err = await handle.result().then(
        () => undefined,
        (e: unknown) => e,
      );
      const history = await handle.fetchHistory();
      return { err, activitiesScheduled: history.events!.filter((e) => e.activityTaskScheduledEventAttributes).length };
    });
    expect(failure.err).toBeInstanceOf(WorkflowFailedError);
    const cause = (failure.err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({
      type: 'InvalidInput',
      nonRetryable: true,
      message: 'input.concurrency must be an integer from 1 to 64, got "x"',
    });
    expect(failure.activitiesScheduled).toBe(0);
    expect(localWarehouseExists(warehouseIdFor(workflowId))).toBe(false);
  }, 60_000);
});
