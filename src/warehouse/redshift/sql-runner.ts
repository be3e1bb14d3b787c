/**
 * How SQL reaches a Redshift warehouse: through the Data API for the cluster this worker
 * provisions (no network path, no password; statement ids survive a worker's death), or over
 * pg with TLS for an existing cluster named by host. Either way a batch is one transaction.
 */
import * as fs from 'node:fs';
import type { ClientConfig } from 'pg';
import type { WarehouseHandle } from '../../contract';
import { existingCluster, redshiftSettings, type ExistingCluster } from '../../config/redshift-settings';
import { connectPostgres } from '../client';
import { warehouseFailure } from '../errors';
import { redshiftDataClient } from './clients';
import { cancelStatement, runSqlBatch, statementRows, type SqlBatch, type StatementHooks } from './data-api';

/** One statement's outcome: rows affected (or returned) and, for a query, its rows. */
export interface RedshiftStatementResult {
  rowCount: number;
  rows: Array<Record<string, unknown>>;
}

export interface RedshiftSql {
  /** Runs the batch in one transaction; `resumeId` (Data API) waits on an earlier attempt's statement. */
  batch(batch: SqlBatch, hooks: StatementHooks, resumeId?: string): Promise<void>;
  /** The rows of a single query. */
  rows(batch: SqlBatch, hooks: StatementHooks): Promise<Array<Record<string, unknown>>>;
  /** Runs the batch in one transaction (or waits on `resumeId`, as batch does); each statement's outcome. */
  results(batch: SqlBatch, hooks: StatementHooks, resumeId?: string): Promise<RedshiftStatementResult[]>;
  /** Stops the statement submitted last, best effort (Data API CancelStatement; over pg, nothing). */
  cancel(): Promise<void>;
}

/** pg settings for an existing cluster: TLS with the certificate verified (Redshift's own CA chain by default). */
export function existingClusterConfig(cluster: ExistingCluster): ClientConfig {
  const ssl = cluster.caFile ? { rejectUnauthorized: true, ca: fs.readFileSync(cluster.caFile, 'utf8') } : { rejectUnauthorized: true };
  return { host: cluster.host, port: cluster.port, database: cluster.database, user: cluster.user, password: cluster.password, ssl };
}

function overPg(cluster: ExistingCluster, handle: Pick<WarehouseHandle, 'schema'>): RedshiftSql {
  const run = async <T>(batch: SqlBatch, work: (query: (sql: string) => Promise<RedshiftStatementResult>) => Promise<T>): Promise<T> => {
    const doing = `running sql/${batch.file} on ${cluster.host}`;
    const client = await connectPostgres(existingClusterConfig(cluster), doing);
    try {
      await client.query('BEGIN');
      await client.query(`SET search_path TO ${handle.schema}`);
      const result = await work(async (sql) => {
        const r = await client.query(sql);
        return { rowCount: r.rowCount ?? 0, rows: r.rows as Array<Record<string, unknown>> };
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw warehouseFailure(err, doing);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return {
    // A dead worker's connection ends its transaction: a retry simply runs the batch again.
    batch: (batch) => run(batch, async (query) => {
      for (const statement of batch.statements) await query(statement);
    }),
    rows: (batch) => run(batch, async (query) => {
      let rows: Array<Record<string, unknown>> = [];
      for (const statement of batch.statements) rows = (await query(statement)).rows;
      return rows;
    }),
    results: (batch) => run(batch, async (query) => {
      const results: RedshiftStatementResult[] = [];
      for (const statement of batch.statements) results.push(await query(statement));
      return results;
    }),
    // A statement stops when its connection ends, which the batch's own finally does.
    cancel: async () => undefined,
  };
}

function overDataApi(handle: Pick<WarehouseHandle, 'database' | 'user' | 'schema'>): RedshiftSql {
  const settings = redshiftSettings();
  const client = redshiftDataClient(settings);
  const target = { clusterId: settings.clusterId, database: handle.database, dbUser: handle.user, schema: handle.schema };
  let running: string | undefined;
  const tracked = (hooks: StatementHooks): StatementHooks => ({
    ...hooks,
    submitted: (id) => {
      running = id;
      hooks.submitted(id);
    },
  });
  return {
    batch: async (batch, hooks, resumeId) => {
      await runSqlBatch(client, target, batch, hooks, { pollMs: settings.pollMs, ...(resumeId ? { resumeId } : {}) });
    },
    results: async (batch, hooks, resumeId) => {
      if (resumeId) running = resumeId;
      const outcome = await runSqlBatch(client, target, batch, tracked(hooks), { pollMs: settings.pollMs, ...(resumeId ? { resumeId } : {}) });
      const results: RedshiftStatementResult[] = [];
      for (const statement of outcome.results) {
        results.push({ rowCount: statement.rows, rows: statement.hasResultSet ? await statementRows(client, statement.id, batch.file) : [] });
      }
      return results;
    },
    cancel: async () => {
      if (running) await cancelStatement(client, running);
    },
    rows: async (batch, hooks) => {
      const outcome = await runSqlBatch(client, target, batch, hooks, { pollMs: settings.pollMs });
      return statementRows(client, outcome.results[outcome.results.length - 1].id, batch.file);
    },
  };
}

/** The way this worker is configured to reach Redshift. */
export function redshiftSql(handle: Pick<WarehouseHandle, 'database' | 'user' | 'schema'>): RedshiftSql {
  const existing = existingCluster();
  return existing ? overPg(existing, handle) : overDataApi(handle);
}
