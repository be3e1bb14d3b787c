import { runTransform } from './run-transform';
import type { InsertResult, WarehouseInput } from './types';

/** Rebuilds the songs table from staging (sql/transforms/songs.sql). */
export async function insertSongs(input: WarehouseInput): Promise<InsertResult> {
  return runTransform('songs', input);
}
