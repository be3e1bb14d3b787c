/** Builds the visibility record of a run (what List/CountWorkflowExecutions filter on). */
import { Msg } from '../proto';
import type { VisibilityRecord } from '../visibility/record';
import type { Run } from './run';

/** Decodes a search attribute payload (json/plain) into its value; undecodable values are skipped. */
function decodeSearchAttribute(payload: Msg): unknown {
  const data: Uint8Array | undefined = payload?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function visibilityRecordOf(run: Run): VisibilityRecord {
  const searchAttributes: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(run.searchAttributes)) {
    const value = decodeSearchAttribute(payload as Msg);
    if (value !== undefined && value !== null) searchAttributes[name] = value;
  }
  return {
    namespace: run.namespace,
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    taskQueue: run.taskQueue,
    status: run.status,
    startTime: run.startTimeMs,
    executionTime: run.executionTimeMs,
    closeTime: run.closeTimeMs || undefined,
    historyLength: run.history.events.length,
    searchAttributes,
  };
}
