/**
 * Queries, delivered as legacy query tasks (the `query` field of a workflow task poll response,
 * answered with RespondQueryTaskCompleted): dispatched once the run has no workflow task pending,
 * so the worker answers from a state that has seen every event so far.
 */
import { randomUUID } from 'node:crypto';
import { Msg, TaskQueueKind, msToTimestamp } from '../proto';
import { RpcError, queryFailed } from '../grpc/errors';
import { status } from '@grpc/grpc-js';
import type { Engine } from './engine';
import type { Run } from './run';
import { QueryTaskOffer, TaskToken, encodeTaskToken } from './tasks';
import type { PendingQuery } from './query-state';

export function queryRun(engine: Engine, run: Run, query: Msg, signal: AbortSignal): Promise<Msg> {
  return new Promise<Msg>((resolve, reject) => {
    const id = randomUUID();
    const finish = () => {
      engine.queries.delete(id);
      engine.clearDeadline(run, `query:${id}`);
      signal.removeEventListener('abort', onAbort);
    };
    const pending: PendingQuery = {
      id,
      run,
      query,
      dispatched: false,
      taken: false,
      resolve: (result) => {
        finish();
        resolve(result);
      },
      reject: (error) => {
        finish();
        reject(error);
      },
    };
    const onAbort = () => pending.reject(new RpcError(status.CANCELLED, 'query canceled by the caller'));
    signal.addEventListener('abort', onAbort);
    engine.queries.set(id, pending);
    dispatchQueuedQueries(engine, run);
  });
}

function readyForQuery(run: Run): boolean {
  if (!run.isRunning) return true;
  return !run.workflowTask && run.lastCompletedWorkflowTaskStartedEventId > 0;
}

/** Dispatches the run's waiting queries if it has no workflow task pending. */
export function dispatchQueuedQueries(engine: Engine, run: Run): void {
  if (engine.queries.size === 0 || !readyForQuery(run)) return;
  for (const pending of engine.queries.values()) {
    if (pending.run !== run || pending.dispatched) continue;
    pending.dispatched = true;
    const sticky = run.isRunning && run.stickyQueue !== '';
    offerQuery(engine, pending, sticky ? run.stickyQueue : run.taskQueue);
    if (sticky) {
      // If the sticky worker does not take it in time, any worker can answer from full history.
      engine.setDeadline(run, `query:${pending.id}`, engine.now() + Math.max(run.stickyScheduleToStartMs, 1000), () => {
        if (!pending.taken && engine.queries.has(pending.id)) offerQuery(engine, pending, run.taskQueue);
      });
    }
  }
}

function offerQuery(engine: Engine, pending: PendingQuery, queueName: string): void {
  const offer: QueryTaskOffer = {
    kind: 'query',
    run: pending.run,
    queryId: pending.id,
    isStale: () => pending.taken || !engine.queries.has(pending.id),
  };
  engine.workflowQueue(pending.run.namespace, queueName).offer(offer);
}

export function failQueuedQueries(engine: Engine, run: Run, reason: string): void {
  for (const pending of [...engine.queries.values()]) {
    if (pending.run === run && !pending.taken) pending.reject(queryFailed(reason));
  }
}

/** Turns a matched query offer into a poll response (full history unless polled from the sticky queue). */
export function startQueryTask(engine: Engine, offer: QueryTaskOffer, fromQueue: string): Msg | undefined {
  const pending = engine.queries.get(offer.queryId);
  if (!pending || pending.taken) return undefined;
  pending.taken = true;
  const run = pending.run;
  const fromSticky = run.isRunning && fromQueue === run.stickyQueue && fromQueue !== run.taskQueue;
  const token: TaskToken = {
    kind: 'q',
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    scheduledEventId: 0,
    attempt: 1,
    queryId: pending.id,
  };
  const now = engine.now();
  return {
    taskToken: encodeTaskToken(token),
    workflowExecution: run.execution,
    workflowType: { name: run.workflowType },
    previousStartedEventId: run.lastCompletedWorkflowTaskStartedEventId,
    startedEventId: 0,
    attempt: 1,
    history: { events: fromSticky ? [] : run.history.events.slice() },
    query: pending.query,
    workflowExecutionTaskQueue: { name: run.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    scheduledTime: msToTimestamp(now),
    startedTime: msToTimestamp(now),
  };
}

export function answerQuery(engine: Engine, token: TaskToken, request: Msg): void {
  const pending = token.queryId ? engine.queries.get(token.queryId) : undefined;
  if (!pending) throw new RpcError(status.NOT_FOUND, 'query task not found: it was already answered or the caller gave up');
  if (request.completedType === 1) {
    pending.resolve({ queryResult: request.queryResult ?? { payloads: [] } });
  } else {
    pending.reject(queryFailed(request.errorMessage || request.failure?.message || 'query failed', request.failure));
  }
}
