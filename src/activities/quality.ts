/**
 * The data-quality gate: every check in sql/checks/ run against the finished star schema, in one
 * snapshot that first checks staging is intact (several checks read staging; after a crash they
 * would judge an emptied staging, so StagingLost instead and the workflow stages again).
 */
import type { Client } from 'pg';
import type { QualityCheckResult, WarehouseInput } from '../contract';
import { rowsOf, type SqlStep, type StepResult } from '../warehouse/session';
import { sqlFileNames, sqlStatement } from '../warehouse/sql-files';
import { checkStagingEpochStep } from './staging/epoch';
import { inSession } from './warehouse-activity';

/** The checks, by file name (sql/checks/<name>.sql), in the order they run and are reported. */
export function qualityCheckNames(): string[] {
  return sqlFileNames('checks');
}

function checkResult(check: string, rows: Array<Record<string, unknown>>): QualityCheckResult {
  return {
    check,
    offendingRows: rows.length === 0 ? 0 : Number(rows[0].offending_rows),
    examples: rows.filter((row) => row.example !== null && row.example !== undefined).map((row) => String(row.example)),
  };
}

/** Runs every check on `client` (search_path set to the warehouse's schema), in whatever transaction it is in. */
export async function runQualityChecks(client: Client): Promise<QualityCheckResult[]> {
  const results: QualityCheckResult[] = [];
  for (const check of qualityCheckNames()) {
    const { rows } = await client.query(sqlStatement(`checks/${check}.sql`));
    results.push(checkResult(check, rows));
  }
  return results;
}

export async function checkQuality(input: WarehouseInput): Promise<QualityCheckResult[]> {
  const doing = `checking data quality in ${input.warehouse.schema}`;
  const checks = qualityCheckNames();
  return inSession(input.warehouse, doing, async (session) => {
    const steps: SqlStep[] = [checkStagingEpochStep(undefined, doing), ...checks.map((check) => ({ file: `checks/${check}.sql` }))];
    const [, ...results] = await session.transaction(steps, { snapshot: true });
    return results.map((result: StepResult, i) => checkResult(checks[i], rowsOf(result)));
  });
}
