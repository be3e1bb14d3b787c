import { Context } from '@temporalio/activity';
import { warehouseProvider } from '../warehouse/registry';
import type { TeardownWarehouseInput, TeardownWarehouseResult } from './types';

/** Removes the warehouse and everything in it; a repeated teardown finds nothing and says so. */
export async function teardownWarehouse(input: TeardownWarehouseInput): Promise<TeardownWarehouseResult> {
  const ctx = Context.current();
  const provider = warehouseProvider(input.provider);
  const removed = await provider.teardown(input.warehouseId, { heartbeat: (stage) => ctx.heartbeat(stage) });
  return { warehouseId: input.warehouseId, removed };
}
