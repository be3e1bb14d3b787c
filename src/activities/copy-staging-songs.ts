import { stagePartition } from './staging/stage-partition';
import type { CopyStagingInput, CopyStagingResult } from './types';

/** COPYs one partition of the song files into staging_songs (rejected files into load_errors). */
export async function copyStagingSongs(input: CopyStagingInput): Promise<CopyStagingResult> {
  return stagePartition('songs', input);
}
