import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'pg';
import { SQL_ROOT } from '../../src/warehouse/sql-files';
import { readEventRows } from './event-rows';
import type { Sample } from './stats';

/**
 * The row-by-row baseline: every event is one parameterized INSERT in autocommit mode (one
 * transaction, one WAL flush per row), as most published Sparkify ETLs load their staging tables.
 */
export async function rowByRowInsert(client: Client, root: string, eventBytes: number): Promise<Sample> {
  const insert = fs.readFileSync(path.join(SQL_ROOT, 'bench/insert_staging_event.sql'), 'utf8');
  const started = process.hrtime.bigint();
  let rows = 0;
  for (const row of readEventRows(root)) {
    await client.query(insert, [...row.values, row.file, row.line]);
    rows++;
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows, bytes: eventBytes };
}
