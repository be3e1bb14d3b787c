/**
 * One interface for running the pipeline's SQL, whatever carries it: an activity says which SQL
 * files run together in one transaction and reads what they returned; the dialect's session
 * (src/warehouse/sessions.ts) decides how they reach the server — a pg connection for
 * PostgreSQL, the Redshift Data API (one batch call) or pg over TLS for Redshift.
 */
import type { SqlIdentifiers, SqlValues } from './sql-files';
import { sqlFileExists, sqlStatements } from './sql-files';
import type { SqlDialect } from './provider';

/** The statements of one SQL file (sql/<file>), with the values its placeholders take. */
export interface SqlStep {
  file: string;
  identifiers?: SqlIdentifiers;
  values?: SqlValues;
  /**
   * Judges the step's result; a throw fails the transaction. PostgreSQL runs it before the next
   * step (a throw rolls everything back); a Redshift Data API batch is one call, so there it runs
   * once the batch has ended, before the transaction's results are used.
   */
  check?(result: StepResult): void;
}

/** The step that runs sql/`file`, or none when the file does not exist (statements a dialect may or may not have). */
export function stepIfFileExists(file: string): SqlStep[] {
  return sqlFileExists(file) ? [{ file }] : [];
}

export interface StatementResult {
  /** The statement's verb, upper case: INSERT, DELETE, SELECT, … */
  command: string;
  /** Rows inserted, updated or deleted; for a query, rows returned. */
  rowCount: number;
  rows: Array<Record<string, unknown>>;
}

export interface StepResult {
  file: string;
  statements: StatementResult[];
}

export interface TransactionOptions {
  /** Every step reads the same snapshot (PostgreSQL: SERIALIZABLE; Redshift's isolation gives it already). */
  snapshot?: boolean;
}

/** A statement the warehouse runs on its own once submitted (Data API), by which transaction it is. */
export interface SubmittedStatement {
  statementId: string;
  /** The transaction's SQL files, joined: a resumed attempt waits only on the same transaction. */
  files: string;
}

/** What a session may report while it waits, and what an earlier attempt left running. */
export interface SessionHooks {
  /** Called while waiting; `progress` says on what. */
  heartbeat(progress: string): void;
  /** Pauses between polls; an activity's sleep rejects when the activity is cancelled. */
  sleep(ms: number): Promise<void>;
  /** As soon as a statement runs on its own: the caller records it where a next attempt finds it. */
  submitted(statement: SubmittedStatement): void;
  /** The statement an earlier attempt submitted: waited on instead of running the transaction again. */
  resume?: SubmittedStatement;
}

export interface WarehouseSession {
  readonly dialect: SqlDialect;
  /** Runs the steps' statements in order in one transaction; each step's results. */
  transaction(steps: SqlStep[], options?: TransactionOptions): Promise<StepResult[]>;
  /** When the server last started (a change between activities = a restart); undefined where it cannot say. */
  serverStartedAt(): Promise<string | undefined>;
  /** Stops what the session is running now on the server, best effort (activity cancellation). */
  cancel(): Promise<void>;
  close(): Promise<void>;
}

/** The statements of each step, read and filled in before anything runs (a bad file fails first). */
export function stepStatements(steps: SqlStep[]): string[][] {
  return steps.map((step) => sqlStatements(step.file, step.identifiers, step.values));
}

/** The name of a transaction for errors and resumption: its files. */
export function transactionFiles(steps: SqlStep[]): string {
  return steps.map((step) => step.file).join(' + ');
}

/** The statement's verb: its first word, upper case. */
export function commandOf(statement: string): string {
  return (/^\s*(\w+)/.exec(statement)?.[1] ?? '').toUpperCase();
}

/** The rows of the step's last statement (a step that is one query). */
export function rowsOf(result: StepResult): Array<Record<string, unknown>> {
  return result.statements[result.statements.length - 1]?.rows ?? [];
}
