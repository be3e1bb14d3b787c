import type { Client } from 'pg';
import type { WarehouseHandle } from '../contract';
import { connectPostgres } from './client';
import { warehouseFailure } from './errors';
import { warehouseProvider } from './registry';

const SCHEMA = /^[a-z_][a-z0-9_]*$/;

/** Opens a connection to the warehouse with `search_path` set to the handle's schema. */
export async function openWarehouse(handle: WarehouseHandle, doing: string): Promise<Client> {
  const provider = warehouseProvider(handle.provider);
  if (!SCHEMA.test(handle.schema)) throw warehouseFailure(new Error(`invalid schema name "${handle.schema}"`), doing);
  const client = await connectPostgres(await provider.connectionConfig(handle), doing);
  try {
    await client.query(`SET search_path TO ${handle.schema}`);
  } catch (err) {
    await client.end().catch(() => undefined);
    throw warehouseFailure(err, doing);
  }
  return client;
}

/** Runs `work` on a fresh warehouse connection and always closes it. */
export async function withWarehouse<T>(
  handle: WarehouseHandle,
  doing: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = await openWarehouse(handle, doing);
  try {
    return await work(client);
  } catch (err) {
    throw warehouseFailure(err, doing);
  } finally {
    await client.end().catch(() => undefined);
  }
}
