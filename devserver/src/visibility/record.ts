/**
 * What visibility (List/Count WorkflowExecutions) knows about one workflow run.
 * Built from a run when a List/Count request reads it (engine/visibility-record.ts); the query
 * compiler filters and orders them.
 */
export interface VisibilityRecord {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string;
  /** temporal.api.enums.v1.WorkflowExecutionStatus as its number (1 = RUNNING, 2 = COMPLETED, ...). */
  status: number;
  /** Epoch milliseconds. */
  startTime: number;
  executionTime: number;
  closeTime?: number;
  historyLength: number;
  /** Decoded search attribute values (strings, numbers, booleans, ISO datetimes, string arrays). */
  searchAttributes: Record<string, unknown>;
}
