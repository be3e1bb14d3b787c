/** Starting, watching and reading a sparkifyEtl run from a client: shared by up, run and status. */
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { EtlProgress, SparkifyEtlInput, SparkifyEtlResult } from '../../contract';
import { progressQuery, sparkifyEtl } from '../../workflows';
import type { ProgressView } from './progress';

/** A handle on a sparkifyEtl run: its result and queries are typed by the workflow's own definitions. */
export type EtlHandle = WorkflowHandle<typeof sparkifyEtl>;

export function startEtl(
  client: Client,
  options: { taskQueue: string; workflowId: string; input: SparkifyEtlInput },
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof sparkifyEtl>> {
  return client.workflow.start(sparkifyEtl, {
    taskQueue: options.taskQueue,
    workflowId: options.workflowId,
    args: [options.input],
  });
}

/** A handle on an existing run by its workflow id. */
export function etlHandle(client: Client, workflowId: string): EtlHandle {
  return client.workflow.getHandle<typeof sparkifyEtl>(workflowId);
}

export function queryProgress(handle: EtlHandle): Promise<EtlProgress> {
  return handle.query(progressQuery);
}

/** Awaits the result, feeding `view` from the progress query meanwhile. */
export async function watchEtl(
  handle: EtlHandle,
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
    return await handle.result();
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
