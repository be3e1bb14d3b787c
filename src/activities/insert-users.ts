import { runTransform } from './run-transform';
import type { InsertResult, WarehouseInput } from './types';

/** Rebuilds the users table from staging (sql/transforms/users.sql). */
export async function insertUsers(input: WarehouseInput): Promise<InsertResult> {
  return runTransform('users', input);
}
