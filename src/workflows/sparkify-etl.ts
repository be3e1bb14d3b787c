/**
 * sparkifyEtl: provision → create tables → plan → stage events ‖ songs (partitioned COPYs) →
 * songplays ‖ (users → time → songs → artists → the dimensions' checks) → the remaining checks (in
 * two shares) → teardown (always, unless kept). The summary's counts are those the steps committed.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  isCancellation,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CopyStagingResult,
  MergeIncrementalResult,
  EtlProgress,
  InsertResult,
  LoadSummary,
  QualityCheckResult,
  QualityReport,
  ResolvedEtlInput,
  SparkifyEtlInput,
  SparkifyEtlResult,
  StageName,
  StagingKind,
  StagingPlan,
  WarehouseHandle,
  WarehouseLockInput,
} from '../contract';
import { loadNotAccounted, stagingMismatches, summaryFromSteps } from './accounting';
import * as activities from './activities';
import { InvalidInputError, namedWarehouseId, resolveInput, warehouseIdFor } from './input';
import { allOrCancel, mapBounded } from './parallel';

/** Where the run is: clients query it by this definition (`handle.query(progressQuery)`). */
export const progressQuery = defineQuery<EtlProgress>('progress');

/**
 * Patch id (workflow versioning): songplays runs beside the dimensions in one 'transforms' stage
 * instead of after them. Histories recorded before it replay the old order.
 */
export const FACT_BESIDE_DIMENSIONS = 'fact-beside-dimensions';

/**
 * Patch id: summarizeLoad and checkQuality run side by side in one 'verify' stage instead of one
 * after the other. Histories recorded before it replay the old order.
 */
export const SUMMARY_BESIDE_QUALITY = 'summary-beside-quality';

/**
 * Patch id: the quality checks that read only the dimension tables run as soon as the dimensions
 * are built, beside the fact insert; the 'verify' stage runs the remaining ones. Histories recorded
 * before it run every check in 'verify'.
 */
export const DIMENSION_CHECKS_BESIDE_FACT = 'dimension-checks-beside-fact';

/**
 * Patch id: the checks the 'verify' stage runs (all but the dimensions') are split into
 * REMAINING_CHECK_SHARES shares, each its own checkQuality activity, beside each other and the
 * summary. Histories recorded before it run them in one activity.
 */
export const REMAINING_CHECKS_IN_SHARES = 'remaining-checks-in-shares';
/**
 * Two: with the summary beside them that is three sessions on this 2-core machine. Measured at 1M
 * events, the verify stage took 2.0 s with two shares against 2.3 s with one.
 */
const REMAINING_CHECK_SHARES = 2;

/**
 * Patch id: the four dimension inserts run one at a time beside the fact insert instead of two at
 * a time, so the fact (the longest transform) keeps a core to itself. Histories recorded before it
 * run users ‖ time, then songs ‖ artists.
 */
export const DIMENSIONS_ONE_AT_A_TIME = 'dimensions-one-at-a-time';

/**
 * Patch id: a full load's summary is made of the counts its steps committed (verifyStaging's
 * snapshot of staging and load_errors, each transform's inserted rows into a table of this run's
 * own) instead of a summarizeLoad activity counting every table again beside the checks.
 * Histories recorded before it run summarizeLoad; incremental runs always do (their tables hold
 * earlier runs' rows too).
 */
export const SUMMARY_FROM_STEPS = 'summary-from-steps';

/** How many load_errors rows a TooManyRejectedRows failure quotes. */
const REJECTION_SAMPLE = 5;
/**
 * Staging rounds before a run gives up: a warehouse crash empties the UNLOGGED staging tables
 * (StagingLost), and each loss costs one more round of staging and transforms.
 */
export const MAX_STAGING_ROUNDS = 3;

/**
 * The input is typed for callers, and checked again here: it may come from the Temporal CLI or
 * any other client as untyped JSON.
 */
export async function sparkifyEtl(rawInput: SparkifyEtlInput): Promise<SparkifyEtlResult> {
  const progress: EtlProgress = {
    stage: 'starting',
    files: { events: { done: 0, total: 0 }, songs: { done: 0, total: 0 } },
    rowsRead: 0,
    rowsLoaded: 0,
    rowsRejected: 0,
  };
  setHandler(progressQuery, () => progress);

  const input = validated(rawInput);

  const startedAt = Date.now();
  const durationsMs: SparkifyEtlResult['durationsMs'] = {};
  const stage = async <T>(name: StageName, body: () => Promise<T>): Promise<T> => {
    progress.stage = name;
    const began = Date.now();
    try {
      return await body();
    } finally {
      // A stage can run more than once (a new staging round after a warehouse crash): time adds up.
      durationsMs[name] = (durationsMs[name] ?? 0) + (Date.now() - began);
    }
  };
  /**
   * A part of a stage that runs beside other parts: its own time in durationsMs (the parts'
   * times overlap; the enclosing stage has the wall time), without moving progress.stage.
   */
  const overlapping = async <T>(name: StageName, body: () => Promise<T>): Promise<T> => {
    const began = Date.now();
    try {
      return await body();
    } finally {
      durationsMs[name] = (durationsMs[name] ?? 0) + (Date.now() - began);
    }
  };
  // Distinct start times of the warehouse's server seen by activities: more than one = restarts.
  const serverStarts = new Set<string>();
  const sawServer = (startedAt: string | undefined): void => {
    if (startedAt) serverStarts.add(startedAt);
  };

  // An incremental run loads into the long-lived warehouse it names and never tears it down.
  const { incremental } = input;
  const { workflowId, runId } = workflowInfo();
  const target = {
    provider: input.warehouse.provider,
    warehouseId: incremental ? namedWarehouseId(incremental.warehouseName) : warehouseIdFor(workflowId),
    keepWarehouse: input.keepWarehouse || incremental !== undefined,
  };
  // Set once teardown has been tried, so a failing teardown is not retried all over again below.
  let teardownTried = target.keepWarehouse;
  // The long-lived warehouse's load lock, while this run holds it.
  let lock: WarehouseLockInput | undefined;
  let merged: MergeIncrementalResult | undefined;
  const unlock = async (): Promise<void> => {
    const held = lock;
    lock = undefined;
    if (held) await CancellationScope.nonCancellable(() => stage('unlock', () => activities.releaseWarehouseLock(held)));
  };
  try {
    const warehouse = await stage('provision', () => activities.provisionWarehouse(target));
    const handle = { warehouse };
    if (incremental) {
      const asked = { warehouse, workflowId, runId };
      await stage('lock', () => activities.acquireWarehouseLock({ ...asked, waitSeconds: incremental.lockWaitSeconds }));
      lock = asked;
    }
    const created = await stage('createTables', () =>
      incremental ? activities.prepareIncremental(handle) : activities.createTables({ ...handle, keptAfterRun: target.keepWarehouse }),
    );
    sawServer(created.serverStartedAt);
    const source = input.source;
    const partitions = input.partitions;
    const filter = incremental && { from: incremental.from, to: incremental.to, reloadChanged: incremental.reloadChanged };
    const plan = await stage('plan', () => activities.planStaging({ source, partitions, warehouse, ...(filter ? { incremental: filter } : {}) }));
    progress.files.events.total = plan.events.files;
    progress.files.songs.total = plan.songs.files;

    let loaded: Loaded | undefined;
    let round = 1;
    for (; loaded === undefined; round++) {
      try {
        loaded = await loadRound(warehouse, plan, round);
      } catch (err) {
        if (!isStagingLost(err) || round >= MAX_STAGING_ROUNDS) throw err;
        log.warn('the warehouse lost the staged rows (crash recovery); staging starts over', { round, warehouseId: target.warehouseId });
      }
    }
    const { read, summary, bytesRead, checks } = loaded;

    // Cross-check: rows counted by the readers against rows that are actually in the warehouse.
    const loadedRows = (summary.tables.staging_events ?? 0) + (summary.tables.staging_songs ?? 0);
    const rejectedInWarehouse = summary.tables.load_errors ?? 0;
    if (read !== loadedRows + rejectedInWarehouse) {
      throw loadNotAccounted([`${read} rows read != ${loadedRows} loaded + ${rejectedInWarehouse} rejected`], {
        read, loaded: loadedRows, rejected: rejectedInWarehouse,
      });
    }
    const quality = qualityReport(input.quality, checks);
    if (quality.failed.length > 0 && quality.mode === 'fail') throw dataQualityFailed(quality);
    await unlock();
    if (!teardownTried) {
      teardownTried = true;
      // Past this point a cancellation must not interrupt the teardown it would otherwise cause.
      await CancellationScope.nonCancellable(() => stage('teardown', () => activities.teardownWarehouse(target)));
    }
    progress.stage = 'done';
    return {
      warehouseId: target.warehouseId,
      tables: summary.tables,
      durationsMs,
      totalMs: Date.now() - startedAt,
      rows: { read, loaded: loadedRows, rejected: rejectedInWarehouse, rejectedByKind: summary.rejectedByKind },
      accounted: true,
      recovery: { stagingRounds: round - 1, warehouseRestarts: Math.max(0, serverStarts.size - 1) },
      files: { events: plan.events.files, songs: plan.songs.files },
      source,
      bytesRead,
      quality,
      ...(target.keepWarehouse ? { warehouse } : {}),
      ...(incremental && merged
        ? {
            incremental: {
              warehouseName: incremental.warehouseName,
              filesAdded: { events: plan.events.files, songs: plan.songs.files },
              filesAlreadyLoaded: { events: plan.events.alreadyLoaded ?? 0, songs: plan.songs.alreadyLoaded ?? 0 },
              filesOutsideWindow: plan.events.outsideWindow ?? 0,
              changedFiles: [...(plan.events.changed ?? []), ...(plan.songs.changed ?? [])],
              changedCount: (plan.events.changedCount ?? 0) + (plan.songs.changedCount ?? 0),
              rowsAdded: merged.rowsAdded,
              usersUpdated: merged.usersUpdated,
            },
          }
        : {}),
    };
  } catch (err) {
    const outcome = isCancellation(err) ? 'cancelled' : 'failed';
    try {
      await unlock();
    } catch (unlockErr) {
      // The next run takes over the lock of this closed run; the original failure is the one to report.
      log.error('releasing the load lock after failure failed', { warehouseId: target.warehouseId, error: String(unlockErr) });
    }
    if (!teardownTried) {
      // Teardown must run even when the workflow itself is being cancelled.
      await CancellationScope.nonCancellable(async () => {
        try {
          await stage('teardown', () => activities.teardownWarehouse(target));
        } catch (teardownErr) {
          // The original failure is the one to report; the teardown failure is logged beside it.
          log.error('teardown after failure failed', { warehouseId: target.warehouseId, error: String(teardownErr) });
        }
      });
    }
    progress.stage = outcome;
    throw err;
  }

  /**
   * One staging round and everything that reads staging: COPY every partition, check the counts,
   * the rejected-rows limit, the transforms and the summary. Throws StagingLost (from any of
   * them) when a warehouse crash emptied staging meanwhile.
   */
  async function loadRound(warehouse: WarehouseHandle, plan: StagingPlan, epoch: number): Promise<Loaded> {
    const handle = { warehouse };
    // The dimension tables' checks, when they ran beside the fact insert (DIMENSION_CHECKS_BESIDE_FACT).
    let dimensionChecks: QualityCheckResult[] | undefined;
    // Rows each transform inserted, by table (the whole table: each transform replaces it).
    const inserted: Record<string, number> = {};
    const insert = async (transform: (input: { warehouse: WarehouseHandle }) => Promise<InsertResult>): Promise<void> => {
      const { table, rows } = await transform(handle);
      inserted[table] = rows;
    };
    const source = input.source;
    const partitions = input.partitions;
    const planned = input.incremental ? { planned: true } : {};
    if (epoch > 1) {
      sawServer((await stage('staging', () => activities.resetStaging({ warehouse, epoch }))).serverStartedAt);
      progress.files.events.done = 0;
      progress.files.songs.done = 0;
      progress.rowsRead = progress.rowsLoaded = progress.rowsRejected = 0;
    }
    const [events, songs] = await stage('staging', () =>
      allOrCancel([
        () => stageKind('events', plan, (p) => activities.copyStagingEvents({ warehouse, source, partition: p, partitions, epoch, ...planned })),
        () => stageKind('songs', plan, (p) => activities.copyStagingSongs({ warehouse, source, partition: p, partitions, epoch, ...planned })),
      ]),
    );
    const account = await stage('staging', () => activities.verifyStaging({ warehouse, epoch }));
    sawServer(account.serverStartedAt);
    const problems = stagingMismatches({ events, songs }, account);
    if (problems.length > 0) throw loadNotAccounted(problems, { epoch, committed: account.committed, stored: account.stored });

    const copies = [...events, ...songs];
    const read = sum(copies, 'linesRead');
    const rejected = sum(copies, 'rowsRejected');
    if (rejected > input.maxErrors) {
      const samples = await activities.sampleLoadErrors({ ...handle, limit: REJECTION_SAMPLE });
      const reasons = samples.map((s) => `${s.file}:${s.line} ${s.reasonKind}: ${s.reason}`).join('; ');
      throw ApplicationFailure.create({
        type: 'TooManyRejectedRows',
        nonRetryable: true,
        message: `${rejected} rows rejected, more than maxErrors ${input.maxErrors} (of ${read} read); first: ${reasons}`,
        details: [{ rejected, maxErrors: input.maxErrors, read, samples }],
      });
    }

    if (input.incremental) {
      merged = await stage('merge', () => activities.mergeIncremental({ ...handle, workflowId, runId }));
    } else if (patched(FACT_BESIDE_DIMENSIONS)) {
      const checksBesideFact = patched(DIMENSION_CHECKS_BESIDE_FACT);
      // songplays reads only staging, so it runs beside the dimensions: on 2 cores the fact takes one
      // core and the dimensions the other, one at a time (at 1M events the transforms took 5.1-5.3 s
      // against 5.5-7.0 s two at a time, which left the fact a third of the cores; the dimensions
      // took as long either way). The dimensions' checks then use that core while the fact goes on.
      const oneAtATime = patched(DIMENSIONS_ONE_AT_A_TIME);
      await stage('transforms', () =>
        allOrCancel<unknown>([
          () => overlapping('fact', () => insert(activities.insertSongplays)),
          async () => {
            await overlapping('dimensions', async () => {
              if (oneAtATime) {
                for (const transform of [activities.insertUsers, activities.insertTime, activities.insertSongs, activities.insertArtists]) await insert(transform);
                return;
              }
              // Histories recorded before DIMENSIONS_ONE_AT_A_TIME replay this way.
              await allOrCancel([() => insert(activities.insertUsers), () => insert(activities.insertTime)]);
              await allOrCancel([() => insert(activities.insertSongs), () => insert(activities.insertArtists)]);
            });
            if (checksBesideFact) {
              dimensionChecks = await overlapping('dimensionChecks', () => activities.checkQuality({ ...handle, scope: 'dimensions' }));
            }
          },
        ]),
      );
    } else {
      // Histories recorded before FACT_BESIDE_DIMENSIONS replay this way.
      await stage('dimensions', () =>
        allOrCancel([
          () => insert(activities.insertUsers),
          () => insert(activities.insertSongs),
          () => insert(activities.insertArtists),
          () => insert(activities.insertTime),
        ]),
      );
      await stage('fact', () => insert(activities.insertSongplays));
    }
    let summary!: LoadSummary;
    let checks!: QualityCheckResult[];
    if (patched(SUMMARY_BESIDE_QUALITY)) {
      const checked = dimensionChecks;
      const remaining = checked ? { ...handle, scope: 'remaining' as const } : handle;
      const shares = checked && patched(REMAINING_CHECKS_IN_SHARES) ? REMAINING_CHECK_SHARES : 1;
      const checkRemaining = async (): Promise<QualityCheckResult[]> => {
        if (shares === 1) return activities.checkQuality(remaining);
        const parts = await allOrCancel(Array.from({ length: shares }, (_, index) => () => activities.checkQuality({ ...remaining, share: { index, of: shares } })));
        return parts.flat();
      };
      const committed = input.incremental || !patched(SUMMARY_FROM_STEPS) ? undefined : summaryFromSteps(account, inserted);
      if (committed) {
        summary = committed;
        checks = inCheckOrder([...(checked ?? []), ...(await stage('verify', () => overlapping('quality', checkRemaining)))]);
      } else {
        // They only read the finished tables, each in its own snapshot, side by side.
        await stage('verify', () =>
          allOrCancel<void>([
            async () => void (summary = await overlapping('summarize', () => activities.summarizeLoad(handle))),
            async () => void (checks = inCheckOrder([...(checked ?? []), ...(await overlapping('quality', checkRemaining))])),
          ]),
        );
      }
    } else {
      // Histories recorded before SUMMARY_BESIDE_QUALITY replay this way.
      summary = await stage('summarize', () => activities.summarizeLoad(handle));
      checks = await stage('quality', () => activities.checkQuality(handle));
    }
    sawServer(summary.serverStartedAt);
    return { read, summary, bytesRead: sum(copies, 'bytesRead'), checks };
  }

  /** One staging kind: a COPY per non-empty partition, at most `concurrency` in flight. */
  function stageKind(
    kind: StagingKind,
    plan: StagingPlan,
    copy: (partition: number) => Promise<CopyStagingResult>,
  ): Promise<CopyStagingResult[]> {
    const partitionsWithFiles = plan[kind].filesPerPartition.flatMap((files, partition) => (files > 0 ? [partition] : []));
    return mapBounded(partitionsWithFiles, input.concurrency, async (partition) => {
      const result = await copy(partition);
      progress.files[kind].done += result.filesDone;
      progress.rowsRead += result.linesRead;
      progress.rowsLoaded += result.rowsLoaded;
      progress.rowsRejected += result.rowsRejected;
      return result;
    });
  }
}

/** The resolved input, or a non-retryable InvalidInput failure naming the bad field. */
function validated(rawInput: unknown): ResolvedEtlInput {
  try {
    return resolveInput(rawInput);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw ApplicationFailure.create({ type: 'InvalidInput', message: err.message, nonRetryable: true, details: [err.field] });
    }
    throw err;
  }
}

interface Loaded {
  read: number;
  summary: LoadSummary;
  bytesRead: number;
  checks: QualityCheckResult[];
}

/** Checks in the order of their file names, the order checkQuality runs and reports them. */
function inCheckOrder(checks: QualityCheckResult[]): QualityCheckResult[] {
  return [...checks].sort((a, b) => (a.check < b.check ? -1 : a.check > b.check ? 1 : 0));
}

function qualityReport(mode: QualityReport['mode'], checks: QualityCheckResult[]): QualityReport {
  return { mode, checks, failed: checks.filter((c) => c.offendingRows > 0).map((c) => c.check) };
}

/** Non-retryable: the same rows fail the same checks again. Names every failed check with its examples. */
function dataQualityFailed(quality: QualityReport): ApplicationFailure {
  const failed = quality.checks.filter((c) => c.offendingRows > 0);
  const described = failed.map((c) => `${c.check}: ${c.offendingRows} offending rows (e.g. ${c.examples.join('; ')})`);
  return ApplicationFailure.create({
    type: 'DataQualityFailed',
    nonRetryable: true,
    message: `${failed.length} of ${quality.checks.length} quality checks failed: ${described.join(' | ')}`,
    details: [{ failed }],
  });
}

/** A warehouse crash emptied staging (see src/activities/staging/epoch.ts). */
function isStagingLost(err: unknown): boolean {
  return err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.type === 'StagingLost';
}

function sum(results: CopyStagingResult[], field: 'linesRead' | 'rowsLoaded' | 'rowsRejected' | 'bytesRead'): number {
  return results.reduce((total, r) => total + r[field], 0);
}
