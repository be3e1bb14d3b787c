import type { Client } from 'pg';
import type { CopyStagingResult, StagingKind } from '../../contract';
import { sqlStatement } from '../../warehouse/sql-files';

/** A partition's committed position: the counters plus the last file loaded (files are sorted). */
export interface PartitionProgress {
  filesDone: number;
  lastFile: string;
  linesRead: number;
  rowsLoaded: number;
  rowsRejected: number;
  bytesRead: number;
}

/** Reads (creating if needed) the committed progress of one partition. */
export async function readProgress(
  client: Client,
  kind: StagingKind,
  partitions: number,
  partition: number,
): Promise<PartitionProgress> {
  const key = [kind, partitions, partition];
  await client.query(sqlStatement('queries/start_progress.sql'), key);
  const { rows } = await client.query(sqlStatement('queries/read_progress.sql'), key);
  const row = rows[0];
  return {
    filesDone: Number(row.files_done),
    lastFile: String(row.last_file),
    linesRead: Number(row.lines_read),
    rowsLoaded: Number(row.rows_loaded),
    rowsRejected: Number(row.rows_rejected),
    bytesRead: Number(row.bytes_read),
  };
}

/**
 * Locks the partition's progress row for the current transaction, checking that it still says
 * `expectedFilesDone` and staging is at round `epoch`. Returns false when another attempt
 * committed meanwhile or the round's marker is gone.
 */
export async function claimProgress(
  client: Client,
  kind: StagingKind,
  partitions: number,
  partition: number,
  expectedFilesDone: number,
  epoch: number,
): Promise<boolean> {
  const result = await client.query(sqlStatement('queries/claim_progress.sql'), [kind, partitions, partition, expectedFilesDone, epoch]);
  return result.rowCount === 1;
}

/**
 * Moves the partition's progress to `next`, inside the batch's transaction. Returns false when the
 * row no longer says `expectedFilesDone`: another attempt of this partition committed meanwhile.
 */
export async function advanceProgress(
  client: Client,
  kind: StagingKind,
  partitions: number,
  partition: number,
  expectedFilesDone: number,
  next: PartitionProgress,
): Promise<boolean> {
  const result = await client.query(sqlStatement('queries/advance_progress.sql'), [
    kind, partitions, partition, expectedFilesDone,
    next.filesDone, next.lastFile, next.linesRead, next.rowsLoaded, next.rowsRejected, next.bytesRead,
  ]);
  return result.rowCount === 1;
}

export function progressResult(kind: StagingKind, partition: number, p: PartitionProgress): CopyStagingResult {
  return {
    kind,
    partition,
    filesDone: p.filesDone,
    linesRead: p.linesRead,
    rowsLoaded: p.rowsLoaded,
    rowsRejected: p.rowsRejected,
    bytesRead: p.bytesRead,
  };
}
