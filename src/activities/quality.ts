/**
 * The data-quality gate: every check in sql/checks/ run against the finished star schema, in one
 * snapshot that first checks staging is intact (several checks read staging; after a crash they
 * would judge an emptied staging, so StagingLost instead and the workflow stages again).
 */
import type { Client } from 'pg';
import type { QualityCheckResult, WarehouseInput } from '../contract';
import { sqlFileNames, sqlStatement } from '../warehouse/sql-files';
import { checkStagingEpoch } from './staging/epoch';
import { inWarehouse } from './warehouse-activity';

/** The checks, by file name (sql/checks/<name>.sql), in the order they run and are reported. */
export function qualityCheckNames(): string[] {
  return sqlFileNames('checks');
}

/** Runs every check on `client` (search_path set to the warehouse's schema). */
export async function runQualityChecks(client: Client): Promise<QualityCheckResult[]> {
  const results: QualityCheckResult[] = [];
  for (const check of qualityCheckNames()) {
    const { rows } = await client.query(sqlStatement(`checks/${check}.sql`));
    results.push({
      check,
      offendingRows: rows.length === 0 ? 0 : Number(rows[0].offending_rows),
      examples: rows.filter((row) => row.example !== null && row.example !== undefined).map((row) => String(row.example)),
    });
  }
  return results;
}

export async function checkQuality(input: WarehouseInput): Promise<QualityCheckResult[]> {
  const doing = `checking data quality in ${input.warehouse.schema}`;
  return inWarehouse(input.warehouse, doing, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL SERIALIZABLE');
    try {
      await checkStagingEpoch(client, undefined, doing);
      const results = await runQualityChecks(client);
      await client.query('COMMIT');
      return results;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  });
}
