/** Workflow updates: UpdateWorkflowExecution, PollWorkflowExecutionUpdate, and update-with-start (ExecuteMultiOperation). */
import { status } from '@grpc/grpc-js';
import { Msg, enums } from '../proto';
import { RpcError, invalidArgument, notFound } from '../grpc/errors';
import type { Engine } from '../engine/engine';
import type { Run } from '../engine/run';
import type { CallContext, UnaryHandler } from '../grpc/service';
import type { UpdateState } from '../engine/update-state';
import { admitUpdate } from '../engine/update';
import { requireField } from './validate';
import { startWorkflow } from './workflows';

const Stage = enums.UpdateWorkflowExecutionLifecycleStage;
const Conflict = enums.WorkflowIdConflictPolicy;

/** The stage an update has reached, as the API numbers them. */
function stageOf(update: UpdateState): number {
  if (update.outcome) return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;
  if (update.phase === 'accepted') return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED;
  return Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ADMITTED;
}

interface Located {
  run: Run;
  update: UpdateState;
}

/** Follows an update into the run that continued its own (it moves when its run continues as new or retries). */
function current(engine: Engine, located: Located): Located {
  let { run, update } = located;
  while (update.movedTo) {
    run = engine.getRun(run.namespace, run.workflowId, update.movedTo.runId) ?? run;
    update = update.movedTo.update;
  }
  return { run, update };
}

/**
 * Waits until the update reaches `stage`, the long poll ends (the answer then says which stage was
 * reached, and the SDK asks again) or the caller goes away.
 */
function waitForStage(engine: Engine, located: Located, stage: number, context: CallContext): Promise<Msg> {
  return new Promise<Msg>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let stopListening: (() => void) | undefined;
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      stopListening?.();
      settle();
    };
    // Answered once durable (Engine.durable): a crash cannot take back an acceptance or an outcome
    // a caller was told of.
    const answer = () => void engine.durable().then(() => resolve(updateResponse(current(engine, located))), reject);
    const check = () => {
      if (done) return;
      const now = current(engine, located);
      if (now.update.abortedWith) return finish(() => reject(now.update.abortedWith));
      if (stageOf(now.update) >= stage) return finish(answer);
      now.update.listeners.add(check);
    };
    stopListening = context.onCancel(() => finish(() => reject(new RpcError(status.CANCELLED, 'update wait canceled by the caller'))));
    timer = setTimeout(() => finish(answer), engine.options.longPollTimeoutMs);
    timer.unref();
    check();
  });
}

function updateResponse({ run, update }: Located): Msg {
  return {
    updateRef: { workflowExecution: run.execution, updateId: update.updateId },
    outcome: update.outcome,
    stage: stageOf(update),
  };
}

function requestedStage(waitPolicy: Msg | undefined): number {
  const stage = waitPolicy?.lifecycleStage ?? 0;
  return stage === Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_UNSPECIFIED ? Stage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED : stage;
}

function validateUpdateRequest(request: Msg): void {
  requireField(request.workflowExecution?.workflowId, 'WorkflowExecution.WorkflowId');
  requireField(request.request?.meta?.updateId, 'Request.Meta.UpdateId');
  requireField(request.request?.input?.name, 'Request.Input.Name');
  if (request.request.meta.updateId.length > 1000) throw invalidArgument('Request.Meta.UpdateId is longer than 1000 characters');
}

/**
 * Admits the update on `run`, or finds the update with the same id (a retried call), or answers from
 * a closed run's history; then waits for the requested stage.
 */
async function updateRun(engine: Engine, run: Run, request: Msg, context: CallContext): Promise<Msg> {
  const updateId: string = request.request.meta.updateId;
  const stage = requestedStage(request.waitPolicy);
  const known = run.updates.get(updateId);
  if (!run.isRunning) {
    // A closed run still answers for the updates it completed; anything else is refused as the server does.
    if (known?.outcome) return updateResponse({ run, update: known });
    throw notFound('workflow execution already completed');
  }
  const update = known ?? admitUpdate(engine, run, request.request);
  await engine.commit();
  return waitForStage(engine, { run, update }, stage, context);
}

export function updateHandlers(engine: Engine): Record<string, UnaryHandler> {
  return {
    async UpdateWorkflowExecution(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      validateUpdateRequest(request);
      const run = engine.findRun(namespace, request.workflowExecution);
      if (request.firstExecutionRunId && run.firstExecutionRunId !== request.firstExecutionRunId) {
        throw notFound('workflow execution not found for that FirstExecutionRunId');
      }
      return updateRun(engine, run, request, context);
    },

    async PollWorkflowExecutionUpdate(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      requireField(request.updateRef?.workflowExecution?.workflowId, 'UpdateRef.WorkflowExecution.WorkflowId');
      const updateId = requireField(request.updateRef?.updateId, 'UpdateRef.UpdateId');
      const run = engine.findRun(namespace, request.updateRef.workflowExecution);
      const update = run.updates.get(updateId);
      if (!update) throw notFound(run.isRunning ? `update "${updateId}" not found` : 'workflow execution already completed');
      return waitForStage(engine, { run, update }, requestedStage(request.waitPolicy), context);
    },

    async ExecuteMultiOperation(request, context) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const operations: Msg[] = request.operations ?? [];
      const start = operations[0]?.startWorkflow;
      const update = operations[1]?.updateWorkflow;
      if (operations.length !== 2 || !start || !update) {
        throw invalidArgument('ExecuteMultiOperation supports exactly two operations: StartWorkflow, then UpdateWorkflow (update-with-start)');
      }
      if ((start.namespace && start.namespace !== namespace) || (update.namespace && update.namespace !== namespace)) {
        throw invalidArgument('the operations must use the namespace of the request');
      }
      validateUpdateRequest(update);
      if (update.workflowExecution.workflowId !== start.workflowId) throw invalidArgument('the update must name the workflow id that the start names');
      if (update.workflowExecution.runId) throw invalidArgument('the update of update-with-start cannot name a run id');
      if (update.firstExecutionRunId) throw invalidArgument('the update of update-with-start cannot name a first execution run id');
      if ((start.workflowIdConflictPolicy ?? 0) === Conflict.WORKFLOW_ID_CONFLICT_POLICY_UNSPECIFIED) {
        throw invalidArgument('update-with-start needs a WorkflowIdConflictPolicy (USE_EXISTING, FAIL or TERMINATE_EXISTING)');
      }
      if (start.cronSchedule) throw invalidArgument('update-with-start cannot start a cron workflow');
      if (start.workflowStartDelay) throw invalidArgument('update-with-start cannot delay the start');
      const { run, started } = startWorkflow(engine, { ...start, namespace });
      const answer = await updateRun(engine, run, { ...update, namespace }, context);
      return { responses: [{ startWorkflow: { runId: run.runId, started } }, { updateWorkflow: answer }] };
    },
  };
}
