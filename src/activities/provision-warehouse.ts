import { Context } from '@temporalio/activity';
import { warehouseProvider } from '../warehouse/registry';
import type { ProvisionWarehouseInput, WarehouseHandle } from './types';

/**
 * Creates (or finds again, when retried) the warehouse named by `warehouseId` and returns how to
 * reach it. Heartbeats while it waits for the warehouse to become ready.
 */
export async function provisionWarehouse(input: ProvisionWarehouseInput): Promise<WarehouseHandle> {
  const ctx = Context.current();
  const provider = warehouseProvider(input.provider);
  return provider.provision(input.warehouseId, { heartbeat: (stage) => ctx.heartbeat(stage) });
}
