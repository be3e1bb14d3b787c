import { runTransform } from './run-transform';
import type { InsertResult, WarehouseInput } from './types';

/** Rebuilds the songplays table from staging (sql/transforms/songplays.sql). */
export async function insertSongplays(input: WarehouseInput): Promise<InsertResult> {
  return runTransform('songplays', input);
}
