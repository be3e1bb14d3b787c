/**
 * The data-quality gate: the checks in sql/checks/ (all, or one scope of them: see QualityScope)
 * run against the star schema, in one snapshot that first checks staging is intact (several
 * checks read staging; after a crash they would judge an emptied staging, so StagingLost instead
 * and the workflow stages again).
 */
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from 'pg';
import { QUALITY_SCOPES, type CheckQualityInput, type QualityCheckResult, type QualityScope, type QualityShare } from '../contract';
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

/** The checks of `scope` (of its `share`), by file name (sql/checks/<name>.sql), in the order they run and are reported. */
export function qualityCheckNames(scope: QualityScope = 'all', share?: QualityShare): string[] {
  const checks = sqlFileNames('checks');
  const inScope = scope === 'all' ? checks : checks.filter((check) => readsOnlyDimensions(check) === (scope === 'dimensions'));
  return share ? inScope.filter((_, i) => i % share.of === share.index) : inScope;
}

/** Why `share` is not a share (0 <= index < of, whole numbers), or undefined when it is one. */
function invalidShare({ index, of }: QualityShare): string | undefined {
  // Typed as numbers, but they may arrive as any JSON from history or the Temporal CLI.
  if (!Number.isInteger(of) || of < 1) return `share.of must be a whole number of at least 1, got ${String(of)}`;
  if (!Number.isInteger(index) || index < 0 || index >= of) return `share.index must be a whole number from 0 to ${of - 1}, got ${String(index)}`;
  return undefined;
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
  if (!(QUALITY_SCOPES as readonly string[]).includes(scope)) {
    throw ApplicationFailure.create({
      message: `invalid quality check scope "${String(scope)}" (need one of: ${QUALITY_SCOPES.join(', ')})`,
      type: 'InvalidInput',
      nonRetryable: true,
    });
  }
  const { share } = input;
  const invalid = share === undefined ? undefined : invalidShare(share);
  if (invalid) throw ApplicationFailure.create({ message: `invalid quality check share: ${invalid}`, type: 'InvalidInput', nonRetryable: true });
  const parts = [...(scope === 'all' ? [] : [`${scope} checks`]), ...(share ? [`share ${share.index + 1} of ${share.of}`] : [])];
  const doing = `checking data quality${parts.length > 0 ? ` (${parts.join(', ')})` : ''} in ${input.warehouse.schema}`;
  const checks = qualityCheckNames(scope, share);
  return inSession(input.warehouse, doing, async (session) => {
    const steps: SqlStep[] = [checkStagingEpochStep(undefined, doing), ...checks.map((check) => ({ file: `checks/${check}.sql` }))];
    const [, ...results] = await session.transaction(steps, { snapshot: true });
    return results.map((result: StepResult, i) => checkResult(checks[i], rowsOf(result)));
  });
}
