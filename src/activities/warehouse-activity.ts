import { Context } from '@temporalio/activity';
import type { Client } from 'pg';
import type { WarehouseHandle } from '../contract';
import { warehouseFailure } from '../warehouse/errors';
import { PostgresSession } from '../warehouse/postgres-session';
import type { SubmittedStatement, WarehouseSession } from '../warehouse/session';
import { openSession } from '../warehouse/sessions';

/** How often an activity waiting on SQL tells Temporal it is alive (the SDK throttles further). */
export const SQL_HEARTBEAT_MS = 5000;

/** Heartbeat details of an activity running SQL: the statement the warehouse runs on its own, if any. */
export interface SqlHeartbeatDetails {
  statement?: SubmittedStatement;
  progress?: string;
}

/**
 * Runs `work` in a fresh session on the warehouse, in its dialect, for an activity whose
 * statements may run long (a transform over millions of rows): it heartbeats while they run, so
 * a dead worker is noticed within the heartbeat timeout; a statement the warehouse runs on its
 * own (Redshift Data API) is kept in the heartbeat details, and the next attempt waits on it
 * instead of running it again. On cancellation it stops the running statement on the server and
 * throws the cancellation.
 */
export async function inSession<T>(handle: WarehouseHandle, doing: string, work: (session: WarehouseSession) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const earlier = (ctx.info.heartbeatDetails ?? {}) as SqlHeartbeatDetails;
  // A resumed statement stays in the details until another replaces it: a third attempt waits on it too.
  const details: SqlHeartbeatDetails = earlier.statement ? { statement: earlier.statement } : {};
  const beat = (): void => ctx.heartbeat(details.statement || details.progress ? { ...details } : undefined);
  const session = await openSession(handle, doing, {
    heartbeat: (progress) => {
      details.progress = progress;
      beat();
    },
    sleep: (ms) => ctx.sleep(ms),
    submitted: (statement) => {
      details.statement = statement;
      details.progress = `submitted statement ${statement.statementId}`;
      beat();
    },
    ...(earlier.statement ? { resume: earlier.statement } : {}),
  });
  return running(session, doing, beat, work);
}

/** As inSession, on PostgreSQL's own connection: for work that only PostgreSQL does (COPY FROM STDIN, the incremental merge). */
export async function inWarehouse<T>(handle: WarehouseHandle, doing: string, work: (client: Client) => Promise<T>): Promise<T> {
  const session = await PostgresSession.open(handle, doing);
  return running(session, doing, () => Context.current().heartbeat(), () => work(session.client));
}

async function running<S extends WarehouseSession, T>(session: S, doing: string, heartbeat: () => void, work: (session: S) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  let cancellation: unknown;
  let cancelling: Promise<void> | undefined;
  ctx.cancelled.catch((err: unknown) => {
    cancellation = err;
    cancelling = session.cancel();
  });
  const beat = setInterval(heartbeat, SQL_HEARTBEAT_MS);
  try {
    heartbeat();
    const result = await work(session);
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
    await session.close();
  }
}
