/** Starting, watching and reading a sparkifyEtl run from a client: shared by up, run and status. */
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { PROGRESS_QUERY, type EtlProgress, type SparkifyEtlInput, type SparkifyEtlResult } from '../../workflows/input';
import type { ProgressView } from './progress';

export const WORKFLOW_TYPE = 'sparkifyEtl';

export function startEtl(
  client: Client,
  options: { taskQueue: string; workflowId: string; input: SparkifyEtlInput },
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: options.taskQueue,
    workflowId: options.workflowId,
    args: [options.input],
  });
}

export function queryProgress(handle: WorkflowHandle): Promise<EtlProgress> {
  return handle.query<EtlProgress>(PROGRESS_QUERY);
}

/** Awaits the result, feeding `view` from the progress query meanwhile. */
export async function watchEtl(
  handle: WorkflowHandle,
  view: ProgressView,
  pollMs = 500,
): Promise<SparkifyEtlResult> {
  let finished = false;
  const poll = (async () => {
    while (!finished) {
      try {
        const progress = await queryProgress(handle);
        if (!finished) view.update(progress);
      } catch {
        // The first workflow task may not have run yet, or the run just closed: try again.
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  })();
  try {
    return (await handle.result()) as SparkifyEtlResult;
  } finally {
    finished = true;
    await poll;
    view.finish();
  }
}

/** A workflow id that is unique enough for ad-hoc runs and readable in the UI. */
export function newWorkflowId(prefix = 'sparkify'): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  return `${prefix}-${stamp}-${Math.random().toString(36).slice(2, 8)}`;
}
