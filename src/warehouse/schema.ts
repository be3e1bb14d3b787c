import type { Client } from 'pg';
import type { SqlDialect } from './provider';
import { sqlStatement } from './sql-files';

/** Creates the pipeline's schema if it is missing (idempotent). */
export async function createSchema(client: Client, dialect: SqlDialect, schema: string): Promise<void> {
  await client.query(sqlStatement(`${dialect}/schema/create.sql`, { schema }));
}

/** Drops the pipeline's schema and everything in it. Returns whether it existed. */
export async function dropSchema(client: Client, dialect: SqlDialect, schema: string): Promise<boolean> {
  const found = await client.query(sqlStatement(`${dialect}/schema/exists.sql`), [schema]);
  await client.query(sqlStatement(`${dialect}/schema/drop.sql`, { schema }));
  return (found.rowCount ?? 0) > 0;
}
