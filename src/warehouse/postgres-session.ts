/**
 * The PostgreSQL session: one pg connection with search_path set to the warehouse's schema; a
 * transaction is BEGIN, the statements one by one (each step's check right after it), COMMIT.
 */
import type { Client } from 'pg';
import type { WarehouseHandle } from '../contract';
import { openWarehouse } from './connection';
import { sqlStatement } from './sql-files';
import { stepStatements, type SqlStep, type StepResult, type TransactionOptions, type WarehouseSession } from './session';

export class PostgresSession implements WarehouseSession {
  readonly dialect = 'postgres' as const;

  private constructor(
    private readonly handle: WarehouseHandle,
    private readonly doing: string,
    /** The connection, for the PostgreSQL-only work (COPY FROM STDIN, the incremental merge). */
    readonly client: Client,
  ) {}

  static async open(handle: WarehouseHandle, doing: string): Promise<PostgresSession> {
    return new PostgresSession(handle, doing, await openWarehouse(handle, doing));
  }

  async transaction(steps: SqlStep[], options: TransactionOptions = {}): Promise<StepResult[]> {
    const statements = stepStatements(steps);
    await this.client.query(options.snapshot ? 'BEGIN ISOLATION LEVEL SERIALIZABLE' : 'BEGIN');
    try {
      const results: StepResult[] = [];
      for (const [i, step] of steps.entries()) {
        const result: StepResult = { file: step.file, statements: [] };
        for (const statement of statements[i]) {
          const r = await this.client.query(statement);
          result.statements.push({ command: r.command, rowCount: r.rowCount ?? 0, rows: r.rows });
        }
        step.check?.(result);
        results.push(result);
      }
      await this.client.query('COMMIT');
      return results;
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  serverStartedAt(): Promise<string | undefined> {
    return serverStartedAt(this.client);
  }

  /** pg_cancel_backend from a second connection: the running statement stops with an error. */
  async cancel(): Promise<void> {
    const pid = (this.client as unknown as { processID?: number }).processID;
    if (pid === undefined) return;
    try {
      const other = await openWarehouse(this.handle, `cancelling the statement of ${this.doing}`);
      try {
        await other.query(sqlStatement('queries/cancel_backend.sql'), [pid]);
      } finally {
        await other.end().catch(() => undefined);
      }
    } catch {
      // The statement then ends with the connection, which close() ends.
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** When the server last started, as text; undefined where the server cannot say. */
export async function serverStartedAt(client: Client): Promise<string | undefined> {
  try {
    const { rows } = await client.query(sqlStatement('queries/server_started_at.sql'));
    return rows[0]?.started_at === undefined ? undefined : String(rows[0].started_at);
  } catch {
    return undefined;
  }
}
