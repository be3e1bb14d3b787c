import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { CopyStagingInput, CopyStagingResult, InsertResult, SourceRef, WarehouseHandle, WarehouseInput } from '../../src/contract';
import type { Sample } from './stats';

/** Runs an activity function the way a worker would, in an activity context (heartbeats go nowhere). */
export function runActivity<I, R>(fn: (input: I) => Promise<R>, input: I): Promise<R> {
  return new MockActivityEnvironment().run(fn as (input: unknown) => Promise<R>, input) as Promise<R>;
}

export async function recreateTables(warehouse: WarehouseHandle): Promise<void> {
  await runActivity(activities.createTables, { warehouse });
}

/** One staging kind with every partition's COPY running concurrently, as the workflow runs them. */
export async function stageKind(
  copy: (input: CopyStagingInput) => Promise<CopyStagingResult>,
  warehouse: WarehouseHandle,
  source: SourceRef,
  partitions: number,
): Promise<Sample & { loaded: number; rejected: number }> {
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    Array.from({ length: partitions }, (_, partition) => runActivity(copy, { warehouse, source, partition, partitions })),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sum = (field: 'linesRead' | 'bytesRead' | 'rowsLoaded' | 'rowsRejected') => results.reduce((t, r) => t + r[field], 0);
  return { seconds, rows: sum('linesRead'), bytes: sum('bytesRead'), loaded: sum('rowsLoaded'), rejected: sum('rowsRejected') };
}

export const TRANSFORMS: Array<[string, (input: WarehouseInput) => Promise<InsertResult>]> = [
  ['insertUsers', activities.insertUsers],
  ['insertSongs', activities.insertSongs],
  ['insertArtists', activities.insertArtists],
  ['insertTime', activities.insertTime],
  ['insertSongplays', activities.insertSongplays],
];

export async function transform(fn: (input: WarehouseInput) => Promise<InsertResult>, warehouse: WarehouseHandle): Promise<Sample> {
  const started = process.hrtime.bigint();
  const result = await runActivity(fn, { warehouse });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows: result.rows, bytes: 0 };
}
