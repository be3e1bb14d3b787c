/**
 * The staging plan of an incremental run on Redshift, written into staging_files so the merge's
 * manifest rows and retraction read it and each COPY loads exactly the planned files. The listing
 * goes in as multi-row INSERTs (sql/redshift/incremental/plan/files.sql) of at most
 * STATEMENT_BYTES each (the Data API takes statements up to 100 KB), up to a batch's 40
 * statements per call, written while the source is still being listed. An incremental plan is
 * small (a day's new files); a first load of a 15,000-file catalog is about 25 statements.
 * The first batch starts by deleting an earlier attempt's rows for the kind; the plan is read only
 * once the activity has ended, so a plan cut short by a failure is replaced whole by the retry.
 */
import { log } from '@temporalio/activity';
import type { StagingKind, WarehouseHandle } from '../../contract';
import { MAX_BATCH_STATEMENTS } from '../../warehouse/redshift/data-api';
import { redshiftSql, type RedshiftSql } from '../../warehouse/redshift/sql-runner';
import { sqlStatements, type SqlRow } from '../../warehouse/sql-files';
import type { StatementHooks } from '../../warehouse/redshift/data-api';
import type { RecordFile } from './plan-listing';

/** Bytes of rows per INSERT, leaving room below the Data API's 100 KB for the statement's head. */
export const STATEMENT_BYTES = 96 * 1024;
/** INSERTs per batch: the batch's limit less the session's SET search_path and the first batch's DELETE. */
export const INSERTS_PER_BATCH = MAX_BATCH_STATEMENTS - 2;

/** Bytes a row takes in the statement: each field quoted (quotes doubled) or as digits, with separators. */
function rowBytes(row: SqlRow): number {
  let bytes = 2 + 2 * (row.length - 1);
  for (const value of row) bytes += value === null ? 4 : typeof value === 'number' ? String(value).length : Buffer.byteLength(value) + 2 + (value.match(/'/g)?.length ?? 0);
  return bytes;
}

/** The manifest's rows of one kind (path, size, etag). */
export function readRedshiftManifest(sql: RedshiftSql, kind: StagingKind, hooks: StatementHooks): Promise<Array<Record<string, unknown>>> {
  const file = 'redshift/incremental/read_manifest.sql';
  return sql.rows({ file, statements: sqlStatements(file, {}, { literals: { staging: kind } }) }, hooks);
}

/** Lists through `list`, writing each recorded file into staging_files; the counts `list` returns. */
export async function recordRedshiftListing<R>(
  warehouse: WarehouseHandle,
  kind: StagingKind,
  partitions: number,
  hooks: StatementHooks,
  list: (record: RecordFile) => Promise<R>,
): Promise<R> {
  const sql = redshiftSql(warehouse);
  const clearFile = 'redshift/incremental/plan/clear.sql';
  const insertFile = 'redshift/incremental/plan/files.sql';
  let cleared = false;
  let inserts: SqlRow[][] = [];
  let rows: SqlRow[] = [];
  let bytes = 0;
  let statements = 0;
  let batches = 0;
  const closeInsert = (): void => {
    if (rows.length > 0) inserts.push(rows);
    rows = [];
    bytes = 0;
  };
  const flush = async (): Promise<void> => {
    closeInsert();
    const batch = [
      ...(cleared ? [] : sqlStatements(clearFile, {}, { literals: { staging: kind }, integers: { partitions } })),
      ...inserts.map((files) => sqlStatements(insertFile, {}, { rows: { files } })[0]),
    ];
    inserts = [];
    if (batch.length === 0) return;
    await sql.batch({ file: `${clearFile} + ${insertFile}`, statements: batch }, hooks);
    cleared = true;
    statements += batch.length;
    batches++;
  };
  const result = await list((file, partition) => {
    const row: SqlRow = [kind, partitions, partition, file.path, file.size, file.etag ?? null];
    const size = rowBytes(row);
    if (bytes + size > STATEMENT_BYTES) closeInsert();
    rows.push(row);
    bytes += size;
    return inserts.length >= INSERTS_PER_BATCH ? flush() : undefined;
  });
  await flush();
  log.info('staging plan written', { kind, statements, batches });
  return result;
}
