import { stagePartition } from './staging/stage-partition';
import type { CopyStagingInput, CopyStagingResult } from './types';

/** COPYs one partition of the event logs into staging_events (rejected lines into load_errors). */
export async function copyStagingEvents(input: CopyStagingInput): Promise<CopyStagingResult> {
  return stagePartition('events', input);
}
