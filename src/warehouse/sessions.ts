/** Dialect → the session that runs its SQL (src/warehouse/session.ts). */
import type { WarehouseHandle } from '../contract';
import { PostgresSession } from './postgres-session';
import type { SqlDialect } from './provider';
import { RedshiftSession } from './redshift/session';
import { warehouseProvider } from './registry';
import type { SessionHooks, WarehouseSession } from './session';

const SESSION_BY_DIALECT: Record<SqlDialect, (handle: WarehouseHandle, doing: string, hooks: SessionHooks) => Promise<WarehouseSession>> = {
  postgres: (handle, doing) => PostgresSession.open(handle, doing),
  redshift: async (handle, _doing, hooks) => new RedshiftSession(handle, hooks),
};

/** A session on the handle's warehouse, in its provider's dialect. */
export function openSession(handle: WarehouseHandle, doing: string, hooks: SessionHooks): Promise<WarehouseSession> {
  return SESSION_BY_DIALECT[warehouseProvider(handle.provider).dialect](handle, doing, hooks);
}
