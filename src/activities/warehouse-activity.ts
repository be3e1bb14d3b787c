import { Context } from '@temporalio/activity';
import type { Client } from 'pg';
import type { WarehouseHandle } from '../contract';
import { openWarehouse } from '../warehouse/connection';
import { warehouseFailure } from '../warehouse/errors';
import { sqlStatement } from '../warehouse/sql-files';

/** How often an activity waiting on SQL tells Temporal it is alive (the SDK throttles further). */
export const SQL_HEARTBEAT_MS = 5000;

/**
 * Runs `work` on a fresh warehouse connection for an activity whose statements may run long (a
 * transform over millions of rows): it heartbeats while the statements run, so a dead worker is
 * noticed within the heartbeat timeout, and on cancellation it cancels the running statement on
 * the server (pg_cancel_backend from a second connection) and throws the cancellation.
 */
export async function inWarehouse<T>(handle: WarehouseHandle, doing: string, work: (client: Client) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const client = await openWarehouse(handle, doing);
  let cancellation: unknown;
  let cancelling: Promise<void> | undefined;
  ctx.cancelled.catch((err: unknown) => {
    cancellation = err;
    cancelling = cancelStatement(handle, client, doing);
  });
  const beat = setInterval(() => ctx.heartbeat(), SQL_HEARTBEAT_MS);
  try {
    ctx.heartbeat();
    const result = await work(client);
    if (cancellation !== undefined) throw cancellation;
    return result;
  } catch (err) {
    if (cancellation !== undefined) {
      await cancelling;
      throw cancellation;
    }
    throw warehouseFailure(err, doing);
  } finally {
    clearInterval(beat);
    await client.end().catch(() => undefined);
  }
}

/** Asks the server to cancel whatever `client`'s backend is running (best effort). */
async function cancelStatement(handle: WarehouseHandle, client: Client, doing: string): Promise<void> {
  const pid = (client as unknown as { processID?: number }).processID;
  if (pid === undefined) return;
  try {
    const other = await openWarehouse(handle, `cancelling the statement of ${doing}`);
    try {
      await other.query(sqlStatement('queries/cancel_backend.sql'), [pid]);
    } finally {
      await other.end().catch(() => undefined);
    }
  } catch {
    // The statement then ends with the connection, which the finally above closes.
  }
}
