/**
 * SQL through the Redshift Data API: the worker needs no network path to the cluster and no
 * password (temporary credentials for the database user, from IAM). A statement runs on the
 * cluster whether or not anyone waits for it, so the caller records its id (in the activity's
 * heartbeat details) and an attempt that replaces a dead one waits on that id instead of
 * running the statement again.
 */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  type DescribeStatementResponse,
  type Field,
  type RedshiftDataClient,
  type SqlParameter,
} from '@aws-sdk/client-redshift-data';
import { ApplicationFailure } from '@temporalio/common';
import { awsErrorName, awsFailure } from './aws-errors';
import type { WaitHooks } from './cluster';

/** Which database, as whom (temporary credentials for this database user via IAM). */
export interface DataApiTarget {
  clusterId: string;
  database: string;
  dbUser: string;
  /**
   * The warehouse's schema: every Data API call is a session of its own, so a batch starts with
   * SET search_path and its statements name tables unqualified, as on PostgreSQL.
   */
  schema?: string;
}

const SCHEMA = /^[a-z_][a-z0-9_]*$/;

/** Statements of one SQL file run as one unit (one transaction when there are several). */
export interface SqlBatch {
  /** The file the statements come from (sql/…), named in every error. */
  file: string;
  statements: string[];
  /** Named parameters (:name) for a single statement. */
  parameters?: Record<string, string>;
  /** When the batch joins several files: each statement's own file, named in its error instead. */
  origins?: string[];
}

export interface StatementOutcome {
  statementId: string;
  /** Per statement: rows affected or returned, whether it has a result set, Redshift's query id. */
  results: Array<{ id: string; rows: number; hasResultSet: boolean; queryId?: number }>;
}

export interface StatementHooks extends WaitHooks {
  /** Called as soon as the statement id is known: record it where the next attempt finds it. */
  submitted(statementId: string): void;
}

/** BatchExecuteStatement runs at most this many statements (the Data API's documented limit). */
export const MAX_BATCH_STATEMENTS = 40;

const RUNNING = new Set(['SUBMITTED', 'PICKED', 'STARTED']);

/** Data API error texts that a later attempt can get past. */
const TRANSIENT_SQL = /connection|timed? ?out|terminated|serializable isolation violation|could not complete because of conflict|lock|resource|try again/i;

/** `skip`: leading statements the caller did not write (the search_path), left out of the results. */
function outcomeOf(d: DescribeStatementResponse, skip: number): StatementOutcome {
  const subs = (d.SubStatements ?? []).slice(skip);
  const results = subs.length > 0
    ? subs.map((s) => ({ id: s.Id ?? '', rows: s.ResultRows ?? 0, hasResultSet: s.HasResultSet === true, ...(s.RedshiftQueryId ? { queryId: s.RedshiftQueryId } : {}) }))
    : [{ id: d.Id ?? '', rows: d.ResultRows ?? 0, hasResultSet: d.HasResultSet === true, ...(d.RedshiftQueryId ? { queryId: d.RedshiftQueryId } : {}) }];
  return { statementId: d.Id ?? '', results };
}

/** Where statement `index` (0-based, of the caller's statements) comes from: its file and its number in it. */
function statementOrigin(batch: Pick<SqlBatch, 'file' | 'origins'>, index: number): string {
  if (!batch.origins) return `statement ${index + 1} of sql/${batch.file}`;
  const file = batch.origins[index];
  const number = batch.origins.slice(0, index + 1).filter((f) => f === file).length;
  return `statement ${number} of sql/${file}`;
}

/** The failed statement's error as a failure naming its SQL file (and which statement of it). */
function sqlFailure(d: DescribeStatementResponse, batch: Pick<SqlBatch, 'file' | 'origins'>, skip: number): ApplicationFailure {
  const file = batch.file;
  const failedSub = (d.SubStatements ?? []).findIndex((s) => s.Status === 'FAILED');
  const error = (failedSub >= 0 ? d.SubStatements![failedSub].Error : undefined) ?? d.Error ?? 'no error text';
  const where = failedSub >= skip ? statementOrigin(batch, failedSub - skip) : failedSub >= 0 ? `setting the schema for sql/${file}` : `sql/${file}`;
  const transient = TRANSIENT_SQL.test(error);
  return ApplicationFailure.create({
    message: `Redshift SQL error in ${where} (Data API statement ${d.Id}): ${error}`,
    type: transient ? 'WarehouseUnavailable' : 'WarehouseSql',
    nonRetryable: !transient,
  });
}

async function describe(client: RedshiftDataClient, id: string, file: string): Promise<DescribeStatementResponse | undefined> {
  try {
    return await client.send(new DescribeStatementCommand({ Id: id }));
  } catch (err) {
    // Statements are kept 24 hours; an older id is simply unknown.
    if (awsErrorName(err) === 'ResourceNotFoundException') return undefined;
    throw awsFailure(err, `asking the Data API about statement ${id} (sql/${file})`);
  }
}

/** Waits until the statement ends; its outcome, or a failure naming the file. Undefined when it was aborted. */
async function waitFor(client: RedshiftDataClient, id: string, batch: Pick<SqlBatch, 'file' | 'origins'>, hooks: WaitHooks, pollMs: number, skip: number): Promise<StatementOutcome | undefined> {
  const file = batch.file;
  const began = Date.now();
  for (;;) {
    const d = await describe(client, id, file);
    if (!d) return undefined;
    const status = d.Status ?? 'SUBMITTED';
    if (status === 'FINISHED') return outcomeOf(d, skip);
    if (status === 'FAILED') throw sqlFailure(d, batch, skip);
    if (status === 'ABORTED') return undefined;
    if (!RUNNING.has(status)) throw ApplicationFailure.create({ message: `Data API statement ${id} (sql/${file}) has unknown status ${status}`, type: 'WarehouseError' });
    hooks.heartbeat(`sql/${file}: ${status.toLowerCase()} (${Math.round((Date.now() - began) / 1000)} s)`);
    await hooks.sleep(pollMs);
  }
}

/**
 * Runs the batch, or, given the id of an earlier attempt's statement, waits for that one: a
 * statement still running or finished is never submitted again; only an aborted or forgotten
 * one is.
 */
export async function runSqlBatch(
  client: RedshiftDataClient,
  target: DataApiTarget,
  batch: SqlBatch,
  hooks: StatementHooks,
  options: { pollMs: number; resumeId?: string },
): Promise<StatementOutcome> {
  if (target.schema !== undefined && !SCHEMA.test(target.schema)) {
    throw ApplicationFailure.create({ message: `invalid schema name "${target.schema}"`, type: 'WarehouseConfiguration', nonRetryable: true });
  }
  const prefix = target.schema !== undefined ? [`SET search_path TO ${target.schema}`] : [];
  if (options.resumeId) {
    const resumed = await waitFor(client, options.resumeId, batch, hooks, options.pollMs, prefix.length);
    if (resumed) return resumed;
  }
  const common = { ClusterIdentifier: target.clusterId, Database: target.database, DbUser: target.dbUser };
  if (prefix.length + batch.statements.length > MAX_BATCH_STATEMENTS) {
    throw ApplicationFailure.create({
      message: `sql/${batch.file}: ${batch.statements.length} statements, more than the ${MAX_BATCH_STATEMENTS - prefix.length} one Data API batch runs`,
      type: 'SqlFileInvalid',
      nonRetryable: true,
    });
  }
  let id: string | undefined;
  try {
    if (batch.statements.length === 1 && prefix.length === 0) {
      const parameters: SqlParameter[] | undefined = batch.parameters ? Object.entries(batch.parameters).map(([name, value]) => ({ name, value })) : undefined;
      ({ Id: id } = await client.send(new ExecuteStatementCommand({ ...common, Sql: batch.statements[0], ...(parameters ? { Parameters: parameters } : {}) })));
    } else {
      // Runs the statements in order in one transaction.
      if (batch.parameters) throw ApplicationFailure.create({ message: `sql/${batch.file}: parameters need a single statement without a schema`, type: 'SqlFileInvalid', nonRetryable: true });
      ({ Id: id } = await client.send(new BatchExecuteStatementCommand({ ...common, Sqls: [...prefix, ...batch.statements] })));
    }
  } catch (err) {
    throw awsFailure(err, `submitting sql/${batch.file} through the Redshift Data API`);
  }
  if (!id) throw ApplicationFailure.create({ message: `the Data API returned no statement id for sql/${batch.file}`, type: 'WarehouseError' });
  hooks.submitted(id);
  const outcome = await waitFor(client, id, batch, hooks, options.pollMs, prefix.length);
  if (!outcome) {
    throw ApplicationFailure.create({ message: `Data API statement ${id} (sql/${batch.file}) was aborted`, type: 'WarehouseUnavailable', nonRetryable: false });
  }
  return outcome;
}

/** Asks the Data API to stop a statement (activity cancellation); best effort, a finished one stays finished. */
export async function cancelStatement(client: RedshiftDataClient, id: string): Promise<void> {
  try {
    await client.send(new CancelStatementCommand({ Id: id }));
  } catch {
    // Already ended, or the Data API unreachable: the statement then runs to its end.
  }
}

function valueOf(field: Field): string | number | boolean | null {
  if (field.isNull) return null;
  if (field.stringValue !== undefined) return field.stringValue;
  if (field.longValue !== undefined) return field.longValue;
  if (field.doubleValue !== undefined) return field.doubleValue;
  if (field.booleanValue !== undefined) return field.booleanValue;
  return null;
}

/** The rows of a finished statement with a result set, as objects by column name (every page). */
export async function statementRows(client: RedshiftDataClient, id: string, file: string): Promise<Array<Record<string, string | number | boolean | null>>> {
  const rows: Array<Record<string, string | number | boolean | null>> = [];
  let token: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new GetStatementResultCommand({ Id: id, ...(token ? { NextToken: token } : {}) }));
    } catch (err) {
      throw awsFailure(err, `reading the result of sql/${file} (Data API statement ${id})`);
    }
    const names = (page.ColumnMetadata ?? []).map((c) => c.name ?? c.label ?? '');
    for (const record of page.Records ?? []) {
      rows.push(Object.fromEntries(record.map((field, i) => [names[i], valueOf(field)])));
    }
    token = page.NextToken;
  } while (token);
  return rows;
}
