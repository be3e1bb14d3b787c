/** SignalExternalWorkflowExecution and RequestCancelExternalWorkflowExecution commands. */
import { EventType as E, Msg, enums } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import { requestCancelRun, signalRun } from './lifecycle';

export function initiateExternalSignal(engine: Engine, source: Run, a: Msg, completedEventId: number): void {
  const namespace = a.namespace || source.namespace;
  const initiated = engine.appendEvent(source, E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
    workflowTaskCompletedEventId: completedEventId,
    namespace,
    workflowExecution: a.execution,
    signalName: a.signalName,
    input: a.input,
    control: a.control,
    childWorkflowOnly: a.childWorkflowOnly,
    header: a.header,
  });
  engine.runSoon('external signal', () => deliverExternalSignal(engine, source, initiated.eventId));
}

/** The open run an external signal or cancel names: its run id if given, else the id's latest run. */
function openTarget(engine: Engine, namespace: string, execution: Msg | undefined | null): Run | undefined {
  const target = execution?.runId
    ? engine.getRun(namespace, execution.workflowId, execution.runId)
    : engine.latestRun(namespace, execution?.workflowId ?? '');
  return target?.isRunning ? target : undefined;
}

/** Delivers an initiated external signal (also used after a restart). */
export function deliverExternalSignal(engine: Engine, source: Run, initiatedEventId: number): void {
  const a = source.externalSignals.get(initiatedEventId);
  if (!a || !source.isRunning) return;
  const target = openTarget(engine, a.namespace, a.workflowExecution);
  if (!target) {
    engine.appendExternalEvent(source, E.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
      cause: enums.SignalExternalWorkflowExecutionFailedCause.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
      workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
      namespace: a.namespace,
      workflowExecution: a.workflowExecution,
      initiatedEventId,
      control: a.control,
    });
  } else {
    signalRun(engine, target, {
      signalName: a.signalName,
      input: a.input,
      header: a.header,
      identity: '',
      requestId: `${source.runId}:signal:${initiatedEventId}`,
      externalWorkflowExecution: source.execution,
    });
    engine.appendExternalEvent(source, E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_SIGNALED, {
      initiatedEventId,
      namespace: a.namespace,
      workflowExecution: target.execution,
      control: a.control,
    });
  }
  engine.requestWorkflowTask(source);
}

export function initiateExternalCancel(engine: Engine, source: Run, a: Msg, completedEventId: number): void {
  const namespace = a.namespace || source.namespace;
  const initiated = engine.appendEvent(source, E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED, {
    workflowTaskCompletedEventId: completedEventId,
    namespace,
    workflowExecution: { workflowId: a.workflowId, runId: a.runId },
    control: a.control,
    childWorkflowOnly: a.childWorkflowOnly,
    reason: a.reason,
  });
  engine.runSoon('external cancel', () => deliverExternalCancel(engine, source, initiated.eventId));
}

export function deliverExternalCancel(engine: Engine, source: Run, initiatedEventId: number): void {
  const a = source.externalCancels.get(initiatedEventId);
  if (!a || !source.isRunning) return;
  const target = openTarget(engine, a.namespace, a.workflowExecution);
  if (!target) {
    engine.appendExternalEvent(source, E.EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED, {
      cause: enums.CancelExternalWorkflowExecutionFailedCause.CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED_CAUSE_EXTERNAL_WORKFLOW_EXECUTION_NOT_FOUND,
      workflowTaskCompletedEventId: a.workflowTaskCompletedEventId,
      namespace: a.namespace,
      workflowExecution: a.workflowExecution ?? {},
      initiatedEventId,
      control: a.control,
    });
  } else {
    requestCancelRun(engine, target, {
      reason: a.reason ?? '',
      identity: '',
      externalInitiatedEventId: initiatedEventId,
      externalWorkflowExecution: source.execution,
    });
    engine.appendExternalEvent(source, E.EVENT_TYPE_EXTERNAL_WORKFLOW_EXECUTION_CANCEL_REQUESTED, {
      initiatedEventId,
      namespace: a.namespace,
      workflowExecution: target.execution,
    });
  }
  engine.requestWorkflowTask(source);
}
