/**
 * The Redshift session: a transaction is one batch (sql-runner.ts: one Data API
 * BatchExecuteStatement, or one pg transaction on an existing cluster). Through the Data API the
 * batch runs on the cluster on its own once submitted: its id goes to the caller at once
 * (`submitted`, kept in the activity's heartbeat details) and an attempt that replaces a dead
 * one waits on that statement instead of running the transaction a second time.
 */
import type { WarehouseHandle } from '../../contract';
import { commandOf, stepStatements, transactionFiles, type SessionHooks, type SqlStep, type StepResult, type WarehouseSession } from '../session';
import { redshiftSql, type RedshiftSql } from './sql-runner';

export class RedshiftSession implements WarehouseSession {
  readonly dialect = 'redshift' as const;
  private readonly sql: RedshiftSql;
  /** An earlier attempt's statement, waited on once by the first transaction of the same files. */
  private resume: SessionHooks['resume'];

  constructor(handle: WarehouseHandle, private readonly hooks: SessionHooks) {
    this.sql = redshiftSql(handle);
    this.resume = hooks.resume;
  }

  /**
   * Steps' checks run once the batch has ended (the batch is one call): a check that throws fails
   * the activity after the transaction committed. The only checks are on the staging round
   * marker, which on Redshift cannot vanish (see src/activities/staging/epoch.ts).
   */
  async transaction(steps: SqlStep[]): Promise<StepResult[]> {
    const perStep = stepStatements(steps);
    const files = transactionFiles(steps);
    const statements = perStep.flat();
    const origins = perStep.flatMap((list, i) => list.map(() => steps[i].file));
    // Once: a session that runs the same files again (the lock's polls) means a new transaction.
    const resume = this.resume?.files === files ? this.resume.statementId : undefined;
    if (resume) this.resume = undefined;
    const outcomes = await this.sql.results(
      { file: files, statements, origins },
      {
        heartbeat: (progress) => this.hooks.heartbeat(progress),
        sleep: (ms) => this.hooks.sleep(ms),
        submitted: (statementId) => this.hooks.submitted({ statementId, files }),
      },
      resume,
    );
    let next = 0;
    return steps.map((step, i) => {
      const result: StepResult = {
        file: step.file,
        statements: perStep[i].map((statement) => {
          const outcome = outcomes[next++];
          return { command: commandOf(statement), rowCount: outcome?.rowCount ?? 0, rows: outcome?.rows ?? [] };
        }),
      };
      step.check?.(result);
      return result;
    });
  }

  /** Redshift keeps its tables through a restart, so nothing here depends on one. */
  async serverStartedAt(): Promise<string | undefined> {
    return undefined;
  }

  cancel(): Promise<void> {
    return this.sql.cancel();
  }

  async close(): Promise<void> {
    // Every batch holds its own connection or none (Data API).
  }
}
