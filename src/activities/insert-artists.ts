import { runTransform } from './run-transform';
import type { InsertResult, WarehouseInput } from './types';

/** Rebuilds the artists table from staging (sql/transforms/artists.sql). */
export async function insertArtists(input: WarehouseInput): Promise<InsertResult> {
  return runTransform('artists', input);
}
