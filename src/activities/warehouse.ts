/** Activities that create, shape and remove the warehouse. */
import { Context } from '@temporalio/activity';
import type {
  CreateTablesResult,
  ProvisionWarehouseInput,
  TeardownWarehouseInput,
  TeardownWarehouseResult,
  WarehouseHandle,
  WarehouseInput,
} from '../contract';
import { warehouseProvider } from '../warehouse/registry';
import { sqlStatements } from '../warehouse/sql-files';
import { ALL_TABLES } from '../warehouse/tables';
import { serverStartedAt, startStagingEpoch } from './staging/epoch';
import { inWarehouse } from './warehouse-activity';

/**
 * Creates (or finds again, when retried) the warehouse named by `warehouseId` and returns how to
 * reach it. Heartbeats while it waits for the warehouse to become ready.
 */
export async function provisionWarehouse(input: ProvisionWarehouseInput): Promise<WarehouseHandle> {
  const ctx = Context.current();
  const provider = warehouseProvider(input.provider);
  return provider.provision(input.warehouseId, { heartbeat: (stage) => ctx.heartbeat(stage) });
}

/** Drops and recreates every table of the pipeline, in one transaction; staging starts at round 1. */
export async function createTables(input: WarehouseInput): Promise<CreateTablesResult> {
  const { dialect } = warehouseProvider(input.warehouse.provider);
  const statements = ALL_TABLES.flatMap((table) => sqlStatements(`${dialect}/create/${table}.sql`));
  return inWarehouse(input.warehouse, `creating tables in ${input.warehouse.schema}`, async (client) => {
    await client.query('BEGIN');
    try {
      for (const statement of statements) await client.query(statement);
      await startStagingEpoch(client, 1);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return { tables: [...ALL_TABLES], serverStartedAt: await serverStartedAt(client) };
  });
}

/** Removes the warehouse and everything in it; a repeated teardown finds nothing and says so. */
export async function teardownWarehouse(input: TeardownWarehouseInput): Promise<TeardownWarehouseResult> {
  const ctx = Context.current();
  const provider = warehouseProvider(input.provider);
  const removed = await provider.teardown(input.warehouseId, { heartbeat: (stage) => ctx.heartbeat(stage) });
  return { warehouseId: input.warehouseId, removed };
}
