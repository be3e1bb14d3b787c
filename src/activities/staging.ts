/** Activities that list the source and COPY its files into the staging tables (machinery in ./staging/). */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CopyStagingInput, CopyStagingResult, StagingKind, StagingPlan, StagingPlanInput } from '../contract';
import { openSource } from '../sources';
import { partitionOf } from '../sources/partition';
import { stagePartition } from './staging/stage-partition';

/** Lists the source once and says how many files and bytes each staging partition will get. */
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
  const plan = async (kind: StagingKind): Promise<StagingPlan[StagingKind]> => {
    const filesPerPartition = new Array<number>(partitions).fill(0);
    let files = 0;
    let bytes = 0;
    for await (const file of source.files(kind)) {
      filesPerPartition[partitionOf(file.path, partitions)]++;
      files++;
      bytes += file.size;
      if (files % 10_000 === 0) ctx.heartbeat({ kind, files });
    }
    return { files, bytes, filesPerPartition };
  };
  return { events: await plan('events'), songs: await plan('songs') };
}

/** COPYs one partition of the event logs into staging_events (rejected lines into load_errors). */
export async function copyStagingEvents(input: CopyStagingInput): Promise<CopyStagingResult> {
  return stagePartition('events', input);
}

/** COPYs one partition of the song files into staging_songs (rejected files into load_errors). */
export async function copyStagingSongs(input: CopyStagingInput): Promise<CopyStagingResult> {
  return stagePartition('songs', input);
}
