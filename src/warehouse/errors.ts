import { ApplicationFailure } from '@temporalio/common';

/** Node socket errors that a later attempt can get past (the server restarts, the network heals). */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED',
]);

/** SQLSTATEs worth retrying: connection loss, server starting/stopping, resource limits, lost races. */
function isTransientSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection exception
    code.startsWith('53') || // insufficient resources (53300 too many connections, 53100 disk full)
    code === '57P01' || code === '57P02' || code === '57P03' || // admin/crash shutdown, cannot connect now
    code === '40001' || code === '40P01' || // serialization failure, deadlock
    code === '55P03' // lock not available
  );
}

/**
 * Message and code of anything thrown. Duck-typed rather than `instanceof Error`: errors made by
 * Node internals may come from another realm (a test sandbox), where instanceof fails.
 */
function describe(err: unknown): { message: string; code?: string } {
  if (typeof err === 'object' && err !== null && 'message' in err) {
    const code = (err as { code?: unknown }).code;
    return { message: String((err as { message: unknown }).message), code: typeof code === 'string' ? code : undefined };
  }
  return { message: String(err) };
}

/**
 * Turns any error met while talking to the warehouse into an ApplicationFailure whose type and
 * retryability say what happened. `doing` says what the activity was doing (e.g. "connecting to
 * warehouse w1"); messages never contain connection strings or passwords.
 */
export function warehouseFailure(err: unknown, doing: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const { message, code } = describe(err);
  const failure = (type: string, nonRetryable: boolean, what: string): ApplicationFailure =>
    ApplicationFailure.create({
      message: `${what} while ${doing}: ${message}${code ? ` (${code})` : ''}`,
      type,
      nonRetryable,
      cause: typeof err === 'object' && err !== null && 'message' in err ? (err as Error) : undefined,
    });

  if (code === '28P01' || code === '28000') return failure('WarehouseAuthentication', true, 'authentication failed');
  if (code === '3D000') return failure('WarehouseConfiguration', true, 'database does not exist');
  if (code === '3F000') return failure('WarehouseConfiguration', true, 'schema does not exist');
  if (code === 'ENOTFOUND') return failure('WarehouseConfiguration', true, 'warehouse host not found');
  if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) return failure('WarehouseUnavailable', false, 'warehouse unreachable');
  if (code !== undefined && isTransientSqlState(code)) return failure('WarehouseUnavailable', false, 'warehouse temporarily unavailable');
  if (code === '42501') return failure('WarehousePermission', true, 'permission denied');
  if (code !== undefined && code.startsWith('42')) return failure('WarehouseSql', true, 'SQL error (syntax or undefined object)');
  if (code !== undefined && (code.startsWith('22') || code.startsWith('23'))) return failure('WarehouseData', true, 'data error');
  if (/Connection terminated|timeout expired|Client has encountered a connection error/i.test(message)) {
    return failure('WarehouseUnavailable', false, 'warehouse connection lost');
  }
  // Unknown: let the retry policy decide (retryable by default), but keep the cause in the message.
  return failure('WarehouseError', false, 'warehouse error');
}
