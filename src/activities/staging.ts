/** Activities that list the source and COPY its files into the staging tables (machinery in ./staging/). */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  CopyStagingInput,
  CopyStagingResult,
  StagingAccount,
  StagingCounts,
  StagingKind,
  StagingPlan,
  StagingPlanInput,
  StagingRoundInput,
  StagingRoundResult,
  WarehouseHandle,
} from '../contract';
import { openSource } from '../sources';
import { partitionOf } from '../sources/partition';
import { checkStagingEpochStep, startStagingEpochStep } from './staging/epoch';
import { manifestFilter, readManifest, type ManifestFilter } from './staging/manifest-filter';
import { recordListing, type RecordFile } from './staging/plan-listing';
import { stagePartition } from './staging/stage-partition';
import { stageFromS3 } from './staging/redshift-copy';
import { stagePlannedFromS3 } from './staging/redshift-planned-copy';
import { readRedshiftManifest, recordRedshiftListing } from './staging/redshift-plan';
import { redshiftSql } from '../warehouse/redshift/sql-runner';
import type { SqlDialect } from '../warehouse/provider';
import { warehouseProvider } from '../warehouse/registry';
import { rowsOf } from '../warehouse/session';
import { inSession, inWarehouse } from './warehouse-activity';

const LISTING_HEARTBEAT_MS = 2000;

type PlanKind = (kind: StagingKind, record?: RecordFile, filter?: ManifestFilter) => Promise<StagingPlan[StagingKind]>;
type PlanWriter = (input: StagingPlanInput & { warehouse: WarehouseHandle }, plan: PlanKind) => Promise<StagingPlan>;

/** PostgreSQL: the listing streams into staging_files by COPY FROM STDIN, the manifest read on the same connection. */
const writePostgresPlan: PlanWriter = (input, plan) =>
  inWarehouse(input.warehouse, `writing the staging plan into ${input.warehouse.schema}`, async (client) => {
    const recorded = async (kind: StagingKind) => {
      const filter = input.incremental ? manifestFilter(await readManifest(client, kind), kind, input.incremental) : undefined;
      return recordListing(client, kind, input.partitions, (record) => plan(kind, record, filter));
    };
    return { events: await recorded('events'), songs: await recorded('songs') };
  });

/** Redshift in an incremental run: the manifest read and the listing written in Data API batches (staging/redshift-plan.ts). */
const writeRedshiftPlan: PlanWriter = async (input, plan) => {
  const ctx = Context.current();
  const hooks = { heartbeat: () => ctx.heartbeat(), sleep: (ms: number) => ctx.sleep(ms), submitted: () => undefined };
  const recorded = async (kind: StagingKind) => {
    const filter = input.incremental ? manifestFilter(await readRedshiftManifest(redshiftSql(input.warehouse), kind, hooks), kind, input.incremental) : undefined;
    return recordRedshiftListing(input.warehouse, kind, input.partitions, hooks, (record) => plan(kind, record, filter));
  };
  return { events: await recorded('events'), songs: await recorded('songs') };
};

/**
 * Where the plan's listing goes, per dialect and mode; undefined: the plan only counts. Redshift's
 * full load lists each partition in its COPY activity and pins exactly those objects in the
 * manifest it writes (staging/redshift-copy.ts); an incremental run needs the plan in the
 * warehouse (the merge's manifest rows read it), so there it is written.
 */
const PLAN_WRITERS: Record<SqlDialect, (incremental: boolean) => PlanWriter | undefined> = {
  postgres: () => writePostgresPlan,
  redshift: (incremental) => (incremental ? writeRedshiftPlan : undefined),
};

/**
 * Lists the source once and says how many files and bytes each staging partition will get. With
 * a warehouse, the listing itself goes to staging_files (one transaction per kind, replacing an
 * earlier attempt's), and the COPYs load exactly those files.
 */
export async function planStaging(input: StagingPlanInput): Promise<StagingPlan> {
  const { partitions } = input;
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw ApplicationFailure.create({
      message: `partitions must be a positive integer, got ${partitions}`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  const ctx = Context.current();
  const source = await openSource(input.source);
  const plan: PlanKind = async (kind, record, filter) => {
    const filesPerPartition = new Array<number>(partitions).fill(0);
    let files = 0;
    let bytes = 0;
    let lastBeat = Date.now();
    for await (const file of source.files(kind)) {
      if (filter && !filter.admit(file)) continue;
      const partition = partitionOf(file.path, partitions);
      const recording = record?.(file, partition);
      if (recording) await recording;
      filesPerPartition[partition]++;
      files++;
      bytes += file.size;
      // A large listing takes minutes (a million files, a slow store): heartbeat as time passes.
      if ((files & 1023) === 0 && Date.now() - lastBeat >= LISTING_HEARTBEAT_MS) {
        ctx.heartbeat({ kind, files });
        lastBeat = Date.now();
      }
    }
    return { files, bytes, filesPerPartition, ...filter?.counts };
  };
  const { incremental, warehouse } = input;
  const writer = warehouse && PLAN_WRITERS[warehouseProvider(warehouse.provider).dialect](incremental !== undefined);
  if (!warehouse || !writer) {
    if (incremental) {
      throw ApplicationFailure.create({ message: 'an incremental plan needs the warehouse (its manifest)', type: 'InvalidInput', nonRetryable: true });
    }
    return { events: await plan('events'), songs: await plan('songs') };
  }
  return writer({ ...input, warehouse }, plan);
}

/** How each SQL dialect stages a partition: PostgreSQL's COPY FROM STDIN, Redshift's COPY from S3. */
const STAGE_BY_DIALECT: Record<SqlDialect, (kind: StagingKind, input: CopyStagingInput) => Promise<CopyStagingResult>> = {
  postgres: (kind, input) => stagePartition(kind, input),
  // An incremental run loads its plan one COPY per file (rows attributed to their file); a full load one COPY per partition.
  redshift: (kind, input) => (input.planned ? stagePlannedFromS3(kind, input) : stageFromS3(kind, input)),
};

/** COPYs one partition of the event logs into staging_events (rejected lines into load_errors). */
export async function copyStagingEvents(input: CopyStagingInput): Promise<CopyStagingResult> {
  return STAGE_BY_DIALECT[warehouseProvider(input.warehouse.provider).dialect]('events', input);
}

/** COPYs one partition of the song files into staging_songs (rejected files into load_errors). */
export async function copyStagingSongs(input: CopyStagingInput): Promise<CopyStagingResult> {
  return STAGE_BY_DIALECT[warehouseProvider(input.warehouse.provider).dialect]('songs', input);
}

/**
 * Empties every staging table and marks staging as round `epoch`, in one transaction: the start
 * of a new staging round after the warehouse lost the staged rows. COPY attempts of an older
 * round then fail their claim and stop (StagingLost), so none adds rows to the new round.
 */
export async function resetStaging(input: StagingRoundInput): Promise<StagingRoundResult> {
  const doing = `emptying staging for round ${input.epoch} in ${input.warehouse.schema}`;
  return inSession(input.warehouse, doing, async (session) => {
    await session.transaction([{ file: 'queries/reset_staging.sql' }, startStagingEpochStep(input.epoch)]);
    return { epoch: input.epoch, serverStartedAt: await session.serverStartedAt() };
  });
}

const STAGING_TABLE: Record<StagingKind, 'staging_events' | 'staging_songs'> = {
  events: 'staging_events',
  songs: 'staging_songs',
};

/**
 * After staging: what the partitions' progress rows say was committed, and what the warehouse
 * holds, read in one snapshot after checking the round's marker (StagingLost when a crash
 * emptied staging). The workflow compares these with what the COPY activities reported.
 */
export async function verifyStaging(input: StagingRoundInput): Promise<StagingAccount> {
  const doing = `verifying staging round ${input.epoch} in ${input.warehouse.schema}`;
  const kinds = ['events', 'songs'] as const;
  return inSession(input.warehouse, doing, async (session) => {
    const [, ...results] = await session.transaction(
      [
        checkStagingEpochStep(input.epoch, doing),
        ...kinds.map((kind) => ({ file: 'queries/table_count.sql', identifiers: { table: STAGING_TABLE[kind] } })),
        { file: 'queries/committed_progress.sql' },
        { file: 'queries/rejected_by_staging.sql' },
        { file: 'queries/rejected_by_kind.sql' },
      ],
      { snapshot: true },
    );
    const committed = {} as Record<StagingKind, StagingCounts>;
    const stored = {} as StagingAccount['stored'];
    kinds.forEach((kind, i) => {
      committed[kind] = { filesDone: 0, linesRead: 0, rowsLoaded: 0, rowsRejected: 0 };
      stored[kind] = { rowsLoaded: Number(rowsOf(results[i])[0].row_count), rowsRejected: 0 };
    });
    for (const row of rowsOf(results[kinds.length])) {
      const kind = String(row.staging) as StagingKind;
      if (!committed[kind]) continue;
      committed[kind] = {
        filesDone: Number(row.files_done),
        linesRead: Number(row.lines_read),
        rowsLoaded: Number(row.rows_loaded),
        rowsRejected: Number(row.rows_rejected),
      };
    }
    for (const row of rowsOf(results[kinds.length + 1])) {
      const kind = String(row.staging) as StagingKind;
      if (stored[kind]) stored[kind].rowsRejected = Number(row.row_count);
    }
    const rejectedByKind: Record<string, number> = {};
    for (const row of rowsOf(results[kinds.length + 2])) rejectedByKind[String(row.reason_kind)] = Number(row.row_count);
    return { epoch: input.epoch, serverStartedAt: await session.serverStartedAt(), committed, stored, rejectedByKind };
  });
}
