/**
 * Workflow-level retries: a run that fails (FailWorkflowExecution) or times out while it has a
 * retry policy closes with `newExecutionRunId` and a new run starts after the policy's backoff,
 * with attempt + 1, as the server does.
 */
import { EventType as E, Msg, RetryState } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import { decideRetry, normalizeRetryPolicy } from './retry';
import { afterClose, startRun } from './lifecycle';

const RETRY_INITIATOR = 2; // CONTINUE_AS_NEW_INITIATOR_RETRY

/** Closes `run` as failed (or timed out), retrying it if its policy allows. */
export function closeFailedRun(engine: Engine, run: Run, eventType: number, attributes: Msg): void {
  const policy = run.startedAttributes.retryPolicy;
  if (run.executionExpirationMs > 0 && Date.now() >= run.executionExpirationMs) {
    // The whole execution ran out of time: nothing can retry it.
    engine.appendEvent(run, eventType, { ...attributes, retryState: RetryState.RETRY_STATE_TIMEOUT });
    afterClose(engine, run);
    return;
  }
  if (!policy) {
    engine.appendEvent(run, eventType, { ...attributes, retryState: RetryState.RETRY_STATE_RETRY_POLICY_NOT_SET });
    afterClose(engine, run);
    return;
  }
  const normalized = normalizeRetryPolicy(policy);
  const attempt = run.startedAttributes.attempt || 1;
  const failure = eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT ? { message: 'workflow run timed out', timeoutFailureInfo: { timeoutType: 1 } } : attributes.failure;
  const decision = decideRetry(normalized, attempt, failure, Date.now(), run.executionExpirationMs);
  if (!decision.retry) {
    engine.appendEvent(run, eventType, { ...attributes, retryState: decision.retryState });
    afterClose(engine, run);
    return;
  }
  const started = run.startedAttributes;
  const next = startRun(engine, {
    namespace: run.namespace,
    workflowId: run.workflowId,
    workflowType: run.workflowType,
    taskQueue: run.taskQueue,
    input: started.input,
    executionTimeoutMs: run.executionTimeoutMs,
    executionExpirationMs: run.executionExpirationMs,
    runTimeoutMs: run.runTimeoutMs,
    taskTimeoutMs: run.workflowTaskTimeoutMs,
    identity: started.identity ?? '',
    requestId: '',
    memo: started.memo,
    searchAttributes: Object.keys(run.searchAttributes).length ? { indexedFields: run.searchAttributes } : undefined,
    header: started.header,
    retryPolicy: policy,
    cronSchedule: started.cronSchedule,
    startDelayMs: decision.backoffMs,
    parent: run.parent,
    continuedExecutionRunId: run.runId,
    firstExecutionRunId: run.firstExecutionRunId,
    initiator: RETRY_INITIATOR,
    attempt: attempt + 1,
    continuedFailure: failure,
  });
  engine.appendEvent(run, eventType, { ...attributes, retryState: RetryState.RETRY_STATE_IN_PROGRESS, newExecutionRunId: next.runId });
  afterClose(engine, run);
}
