import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CopyStagingInput, CopyStagingResult, StagingKind } from '../../contract';
import { maxLineBytes } from '../../config/env';
import { openSource } from '../../sources';
import { partitionOf } from '../../sources/partition';
import type { Source, SourceFile } from '../../sources/source';
import { openWarehouse } from '../../warehouse/connection';
import { warehouseFailure } from '../../warehouse/errors';
import { sqlStatement } from '../../warehouse/sql-files';
import { StagingBatch, type CopyFormat } from './batch';
import { checkStagingEpoch } from './epoch';
import { loadEventFile } from './event-file';
import { acquireParserThread, releaseParserThread, type ParserThread } from './parser-pool';
import { prefetch, prefetchBatches, type BatchLimits } from './prefetch';
import { advanceProgress, claimProgress, progressResult, readProgress, type PartitionProgress } from './progress';
import { loadSongFile } from './song-file';

/** When a batch is committed, and test seams for failures at chosen points. */
export interface StagingOptions {
  /** Commit once a batch has read this many bytes... */
  batchBytes: number;
  /** ...or this many files, whichever comes first. */
  batchFiles: number;
  /** Called before each file is loaded (index counts files loaded by this attempt). */
  beforeFile?: (file: string, index: number) => void | Promise<void>;
  /** Called after a batch commits and before its heartbeat. */
  afterCommit?: (committed: CopyStagingResult) => void | Promise<void>;
}

export const DEFAULT_STAGING_OPTIONS: Readonly<StagingOptions> = {
  batchBytes: 32 * 1024 * 1024,
  batchFiles: 2000,
};

/**
 * The activity heartbeats its last committed position this often, on a timer: also in the middle
 * of a long file or batch and while the server finishes a COPY, so a dead worker is noticed
 * within the heartbeat timeout and a live one never looks dead.
 */
const HEARTBEAT_EVERY_MS = 5000;

const COPY: Record<StagingKind, { sql: string; format: CopyFormat }> = {
  events: { sql: 'queries/copy_staging_events.sql', format: 'binary' },
  songs: { sql: 'queries/copy_staging_songs.sql', format: 'text' },
};

function checkInput(input: CopyStagingInput): void {
  const { partitions, partition, epoch } = input ?? ({} as CopyStagingInput);
  if (epoch !== undefined && (!Number.isInteger(epoch) || epoch < 1)) {
    throw ApplicationFailure.create({
      message: `invalid staging round ${epoch} (need a positive integer)`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  if (!Number.isInteger(partitions) || partitions < 1 || !Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw ApplicationFailure.create({
      message: `invalid staging partition ${partition} of ${partitions} (need integers with 0 <= partition < partitions)`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
}

/** A file to load; `planned` when it comes from the plan's listing (then it is checked against it). */
interface PartitionFile {
  path: string;
  planned?: SourceFile;
}

/** Planned files read from staging_files per query. */
const PLANNED_PAGE = 1000;

/** The partition's files after `after`, listed from the source (when the plan recorded no listing). */
async function* listedFiles(source: Source, kind: StagingKind, input: CopyStagingInput, after: string): AsyncIterable<PartitionFile> {
  for await (const file of source.paths(kind)) {
    if (file > after && partitionOf(file, input.partitions) === input.partition) yield { path: file };
  }
}

/**
 * The partition's planned files after `after`, in path order, a page at a time. Read through a
 * connection of their own: the COPY's connection is busy with an open COPY between files.
 */
async function* plannedFiles(warehouse: CopyStagingInput['warehouse'], kind: StagingKind, input: CopyStagingInput, after: string, doing: string): AsyncIterable<PartitionFile> {
  const reader = await openWarehouse(warehouse, doing);
  try {
    let last = after;
    while (true) {
      const { rows } = await reader.query(sqlStatement('queries/read_staging_files.sql'), [kind, input.partitions, input.partition, last, PLANNED_PAGE]);
      for (const row of rows) {
        const planned: SourceFile = { path: String(row.path), size: Number(row.size), ...(row.etag === null ? {} : { etag: String(row.etag) }) };
        yield { path: planned.path, planned };
      }
      if (rows.length < PLANNED_PAGE) return;
      last = String(rows[rows.length - 1].path);
    }
  } finally {
    await reader.end().catch(() => undefined);
  }
}

/** Song files per read batch, and their planned bytes at most, when the source reads batches. */
const SONG_READ_BATCH: BatchLimits = { items: 256, weight: 1 << 20 };
const SONG_READ_BATCHES_AHEAD = 4;

/** The song files' contents, read ahead: in batches where the source reads batches, else one by one. */
function readSongFiles(source: Source, files: AsyncIterable<PartitionFile>): AsyncIterable<{ item: PartitionFile; value: Promise<Buffer> }> {
  const readFiles = source.readFiles?.bind(source);
  if (!readFiles) return prefetch(files, source.readAhead, (file) => source.readFile(file.path, file.planned));
  return prefetchBatches(files, SONG_READ_BATCH, (file) => file.planned?.size ?? 0, SONG_READ_BATCHES_AHEAD, readFiles);
}

/**
 * Loads one partition of one kind into its staging table, batch by batch. Each batch commits its
 * rows, its rejections and the partition's new progress row in one transaction, so a retry reads
 * the progress row and continues after the last committed file: no file is loaded twice, even
 * when an attempt died between a commit and its heartbeat.
 */
export async function stagePartition(
  kind: StagingKind,
  input: CopyStagingInput,
  options: StagingOptions = DEFAULT_STAGING_OPTIONS,
): Promise<CopyStagingResult> {
  checkInput(input);
  const ctx = Context.current();
  let cancellation: unknown;
  ctx.cancelled.catch((err) => {
    cancellation = err;
  });
  const throwIfCancelled = (): void => {
    if (cancellation !== undefined) throw cancellation;
  };

  const maxLine = maxLineBytes();
  const source = await openSource(input.source);
  const doing = `staging ${kind} partition ${input.partition}/${input.partitions} into ${input.warehouse.schema}`;
  const client = await openWarehouse(input.warehouse, doing);
  let batch: StagingBatch | undefined;
  let thread: ParserThread | undefined;
  let threadFailed = false;
  let beat: NodeJS.Timeout | undefined;
  const epoch = input.epoch ?? 1;
  try {
    await checkStagingEpoch(client, epoch, doing);
    let committed: PartitionProgress = await readProgress(client, kind, input.partitions, input.partition);
    reconcileWithHeartbeat(kind, input, committed, ctx.info.heartbeatDetails);
    let result = progressResult(kind, input.partition, committed);
    ctx.heartbeat(result);
    beat = setInterval(() => ctx.heartbeat(result), HEARTBEAT_EVERY_MS);

    const conflict = (): ApplicationFailure =>
      ApplicationFailure.create({
        message: `${doing}: another attempt committed this partition's progress meanwhile; this attempt stops so no file is loaded twice`,
        type: 'StagingConflict',
        nonRetryable: false,
      });
    const begin = async (): Promise<StagingBatch> => {
      const opened = await StagingBatch.begin(client, COPY[kind].sql, COPY[kind].format, kind, () =>
        claimProgress(client, kind, input.partitions, input.partition, committed.filesDone, epoch),
      );
      if (!opened) {
        // Lost staging (the marker is gone or newer) is final for this attempt; a conflict is not.
        await checkStagingEpoch(client, epoch, doing);
        throw conflict();
      }
      return opened;
    };
    const commit = async (open: StagingBatch): Promise<void> => {
      await open.finish();
      const next: PartitionProgress = {
        filesDone: committed.filesDone + open.files,
        lastFile: open.lastFile,
        linesRead: committed.linesRead + open.linesRead,
        rowsLoaded: committed.rowsLoaded + open.rowsLoaded,
        rowsRejected: committed.rowsRejected + open.rowsRejected,
        bytesRead: committed.bytesRead + open.bytes,
      };
      const advanced = await advanceProgress(client, kind, input.partitions, input.partition, committed.filesDone, next);
      // Cannot happen while the claim's row lock is held; checked anyway, as the last line of defence.
      if (!advanced) throw conflict();
      await client.query('COMMIT');
      batch = undefined;
      committed = next;
      result = progressResult(kind, input.partition, committed);
      await options.afterCommit?.(result);
      ctx.heartbeat(result);
    };

    if (kind === 'events') thread = acquireParserThread();
    let index = 0;
    const { rows: [count] } = await client.query(sqlStatement('queries/count_staging_files.sql'), [kind, input.partitions, input.partition]);
    const files = Number(count.files) > 0
      ? plannedFiles(input.warehouse, kind, input, committed.lastFile, doing)
      : listedFiles(source, kind, input, committed.lastFile);
    const reads = kind === 'songs' ? readSongFiles(source, files) : prefetch(files, 1, async () => undefined);
    for await (const { item: { path: file, planned }, value } of reads) {
      throwIfCancelled();
      await options.beforeFile?.(file, index++);
      batch ??= await begin();
      if (kind === 'songs') {
        const content = (await value) as Buffer;
        loadSongFile(file, content, batch, maxLine);
        batch.bytes += content.length;
        await batch.drain();
      } else {
        batch.bytes += await loadEventFile(source, file, batch, maxLine, thread, planned);
      }
      batch.files++;
      batch.lastFile = file;
      if (batch.bytes >= options.batchBytes || batch.files >= options.batchFiles) {
        throwIfCancelled();
        await commit(batch);
      }
    }
    if (batch) {
      throwIfCancelled();
      await commit(batch);
    }
    return result;
  } catch (err) {
    threadFailed = true;
    if (batch) await batch.rollback();
    if (err === cancellation) throw err;
    throw warehouseFailure(err, doing);
  } finally {
    clearInterval(beat);
    // A thread that saw a failure may hold a half-read file: end it rather than reuse it.
    if (threadFailed) void thread?.terminate();
    else releaseParserThread(thread);
    await client.end().catch(() => undefined);
  }
}

/**
 * The progress row is the truth (it commits with the data). The heartbeat details of the previous
 * attempt can only lag behind it (a crash between commit and heartbeat); if they are ahead, the
 * staging tables were recreated under this partition, which is worth a warning.
 */
function reconcileWithHeartbeat(
  kind: StagingKind,
  input: CopyStagingInput,
  committed: PartitionProgress,
  details: unknown,
): void {
  const previous = details as Partial<CopyStagingResult> | undefined;
  if (!previous || typeof previous.filesDone !== 'number') return;
  if (previous.filesDone > committed.filesDone) {
    log.warn('staging progress is behind the last heartbeat; resuming from the committed progress', {
      kind, partition: input.partition, heartbeatFilesDone: previous.filesDone, committedFilesDone: committed.filesDone,
    });
  } else if (previous.filesDone < committed.filesDone) {
    log.info('resuming after files committed but not heartbeated', {
      kind, partition: input.partition, heartbeatFilesDone: previous.filesDone, committedFilesDone: committed.filesDone,
    });
  }
}

