/** GetWorkflowExecutionHistory (paging, long poll, close-event filter) and its reverse form. */
import { Msg, enums } from '../proto';
import { invalidArgument } from '../grpc/errors';
import type { Engine } from '../engine/engine';
import type { Run } from '../engine/run';
import type { CallContext, UnaryHandler } from '../grpc/service';
import { requireField } from './validate';

interface PageToken {
  runId: string;
  /** Index of the first event of the next page (forward), or one past it (reverse). */
  position: number;
}

function encodeToken(token: PageToken): Buffer {
  return Buffer.from(JSON.stringify(token), 'utf8');
}

function decodeToken(bytes: Uint8Array | undefined): PageToken | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  try {
    const token = JSON.parse(Buffer.from(bytes).toString('utf8')) as PageToken;
    if (typeof token.runId !== 'string' || typeof token.position !== 'number') throw new Error('bad token');
    return token;
  } catch {
    throw invalidArgument('NextPageToken is malformed: it was not issued by this server');
  }
}

/**
 * Waits until the run changes and the change is durable (Engine.durable), the call is canceled, or
 * the long poll times out: a crash cannot take back an event a caller was shown, such as the
 * workflow's end.
 */
function waitForChange(engine: Engine, run: Run, context: CallContext): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    let done = false;
    const wake = () =>
      void engine.durable().then(
        () => finish(true),
        () => finish(true),
      );
    const timer = setTimeout(() => finish(false), engine.options.longPollTimeoutMs);
    timer.unref();
    const stopListening = context.onCancel(() => finish(false));
    function finish(changed: boolean) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      run.historyWaiters.delete(wake);
      stopListening();
      resolve(changed);
    }
    run.historyWaiters.add(wake);
  });
}

export function historyHandlers(engine: Engine): Record<string, UnaryHandler> {
  return {
    async GetWorkflowExecutionHistory(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      requireField(request.execution?.workflowId, 'Execution.WorkflowId');
      const token = decodeToken(request.nextPageToken);
      const run = engine.findRun(namespace, token ? { workflowId: request.execution.workflowId, runId: token.runId } : request.execution);
      const closeOnly = request.historyEventFilterType === enums.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT;
      const pageSize = request.maximumPageSize > 0 ? request.maximumPageSize : 1000;
      const start = token?.position ?? 0;

      if (closeOnly) {
        while (run.isRunning && request.waitNewEvent && !context.signal.aborted) {
          if (!(await waitForChange(engine, run, context))) break;
        }
        if (run.isRunning) {
          return { history: { events: [] }, nextPageToken: request.waitNewEvent ? encodeToken({ runId: run.runId, position: start }) : undefined };
        }
        return { history: { events: [run.history.lastEvent] } };
      }

      if (request.waitNewEvent) {
        while (run.isRunning && run.history.events.length <= start && !context.signal.aborted) {
          if (!(await waitForChange(engine, run, context))) break;
        }
      }
      const events = run.history.events.slice(start, start + pageSize);
      const end = start + events.length;
      const more = end < run.history.events.length || (request.waitNewEvent && run.isRunning);
      return {
        history: { events },
        nextPageToken: more ? encodeToken({ runId: run.runId, position: end }) : undefined,
      };
    },

    GetWorkflowExecutionHistoryReverse(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      requireField(request.execution?.workflowId, 'Execution.WorkflowId');
      const token = decodeToken(request.nextPageToken);
      const run = engine.findRun(namespace, token ? { workflowId: request.execution.workflowId, runId: token.runId } : request.execution);
      const pageSize = request.maximumPageSize > 0 ? request.maximumPageSize : 1000;
      const end = token?.position ?? run.history.events.length;
      const begin = Math.max(0, end - pageSize);
      const events: Msg[] = run.history.events.slice(begin, end).reverse();
      return {
        history: { events },
        nextPageToken: begin > 0 ? encodeToken({ runId: run.runId, position: begin }) : undefined,
      };
    },
  };
}
