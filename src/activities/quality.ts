/**
 * The data-quality gate: the checks in sql/checks/ (all, or one scope of them: see QualityScope)
 * run against the star schema, in one snapshot that first checks staging is intact (several
 * checks read staging; after a crash they would judge an emptied staging, so StagingLost instead
 * and the workflow stages again).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from 'pg';
import type { CheckQualityInput, QualityCheckResult, QualityScope } from '../contract';
import { rowsOf, type SqlStep, type StepResult } from '../warehouse/session';
import { sqlFileNames, sqlStatement } from '../warehouse/sql-files';
import { checkStagingEpochStep } from './staging/epoch';
import { inSession } from './warehouse-activity';

/**
 * The dimension tables. A check named after one (`<table>_…`) reads only dimension tables (a test
 * holds every such check to that), so it can run before the fact is loaded.
 */
const DIMENSION_TABLES = ['users', 'songs', 'artists', 'time'];

function readsOnlyDimensions(check: string): boolean {
  return DIMENSION_TABLES.some((table) => check.startsWith(`${table}_`));
}

/** The checks of `scope`, by file name (sql/checks/<name>.sql), in the order they run and are reported. */
export function qualityCheckNames(scope: QualityScope = 'all'): string[] {
  const checks = sqlFileNames('checks');
  if (scope === 'all') return checks;
  return checks.filter((check) => readsOnlyDimensions(check) === (scope === 'dimensions'));
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

export async function checkQuality(input: CheckQualityInput): Promise<QualityCheckResult[]> {
  const scope = input.scope ?? 'all';
  if (!['all', 'dimensions', 'remaining'].includes(scope)) {
    throw ApplicationFailure.create({
      message: `invalid quality check scope "${String(scope)}" (need all, dimensions or remaining)`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  const doing = `checking data quality${scope === 'all' ? '' : ` (${scope} checks)`} in ${input.warehouse.schema}`;
  const checks = qualityCheckNames(scope);
  return inSession(input.warehouse, doing, async (session) => {
    const steps: SqlStep[] = [checkStagingEpochStep(undefined, doing), ...checks.map((check) => ({ file: `checks/${check}.sql` }))];
    const [, ...results] = await session.transaction(steps, { snapshot: true });
    return results.map((result: StepResult, i) => checkResult(checks[i], rowsOf(result)));
  });
}
