/**
 * createTables on PostgreSQL: staging is always UNLOGGED; the star tables are UNLOGGED only when
 * the warehouse does not outlive the run (keptAfterRun: false), and a transform into them works
 * the same either way.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { WarehouseHandle } from '../../src/contract';
import { ALL_TABLES, STAR_TABLES } from '../../src/warehouse/tables';
import { fixturePath } from '../workflows/support';
import { loadWithActivities, runIn, startWarehouseForTests, type WarehouseForTests } from './support';

jest.setTimeout(60_000);

let wh: WarehouseForTests;
const env = new MockActivityEnvironment();
/** The staging tables a crash may empty (staging_files, the plan, is permanent). */
const UNLOGGED_STAGING = ['staging_events', 'staging_songs', 'staging_progress', 'staging_epoch', 'load_errors'];

beforeAll(async () => {
  wh = await startWarehouseForTests('create_tables');
});
afterAll(async () => {
  await wh?.stop();
});

/** Each table of the pipeline with its pg_class.relpersistence: 'u' unlogged, 'p' permanent. */
async function persistence(warehouse: WarehouseHandle): Promise<Record<string, string>> {
  const rows = await wh.rows<{ relname: string; relpersistence: string }>(
    warehouse,
    `SELECT c.relname, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname = ANY($2)`,
    [warehouse.schema, [...ALL_TABLES]],
  );
  return Object.fromEntries(rows.map((r) => [r.relname, r.relpersistence]));
}

function expectedPersistence(star: 'u' | 'p'): Record<string, string> {
  const want: Record<string, string> = {};
  for (const table of ALL_TABLES) want[table] = UNLOGGED_STAGING.includes(table) ? 'u' : 'p';
  for (const table of STAR_TABLES) want[table] = star;
  return want;
}

it('a warehouse kept after the run (or unsaid) gets permanent star tables', async () => {
  const warehouse = await wh.fresh('kept');
  // fresh() ran createTables without keptAfterRun.
  expect(await persistence(warehouse)).toEqual(expectedPersistence('p'));
  await runIn(env, activities.createTables, { warehouse, keptAfterRun: true });
  expect(await persistence(warehouse)).toEqual(expectedPersistence('p'));
});

it('a warehouse removed with the run gets UNLOGGED star tables, which load the same rows', async () => {
  const warehouse = await wh.fresh('run_scoped');
  await runIn(env, activities.createTables, { warehouse, keptAfterRun: false });
  expect(await persistence(warehouse)).toEqual(expectedPersistence('u'));
  await loadWithActivities(warehouse, { type: 'local', path: fixturePath('sparkify-small') });
  const counts = await wh.rows<{ n: string }>(warehouse, 'SELECT count(*) AS n FROM songplays');
  expect(Number(counts[0].n)).toBeGreaterThan(0);
  // The transforms' own statements (TRUNCATE, the primary key dropped and rebuilt) keep the table UNLOGGED.
  expect(await persistence(warehouse)).toEqual(expectedPersistence('u'));
  // Created again for a kept warehouse, the same schema's star tables are permanent again.
  await runIn(env, activities.createTables, { warehouse, keptAfterRun: true });
  expect(await persistence(warehouse)).toEqual(expectedPersistence('p'));
});
