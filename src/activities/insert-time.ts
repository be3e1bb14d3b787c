import { runTransform } from './run-transform';
import type { InsertResult, WarehouseInput } from './types';

/** Rebuilds the time table from staging (sql/transforms/time.sql). */
export async function insertTime(input: WarehouseInput): Promise<InsertResult> {
  return runTransform('time', input);
}
