/**
 * The sparkify worker: the sparkifyEtl workflow and the real activities on one task queue.
 * Used by `sparkify worker`, `sparkify up` and the tests; nothing here assumes it is the only
 * worker (activities find their warehouse from the handle, not from process memory).
 */
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Worker, type WorkflowBundle } from '@temporalio/worker';
import * as activities from './activities';
import { DEFAULT_TASK_QUEUE } from './client/connection';

/**
 * COPY activities are the bulk of the work and mostly wait on the database, so a handful run
 * side by side; more would only queue inside PostgreSQL. A workflow's `concurrency` bounds what
 * it asks for; this bounds what one worker process accepts (further workers add capacity).
 */
export const DEFAULT_MAX_ACTIVITIES = 8;

export interface SparkifyWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  /** A pre-built bundle (tests build one per file); default: bundle src/workflows on start. */
  workflowBundle?: WorkflowBundle;
  /** Replace some activities (tests inject faults by wrapping a real one). */
  activities?: Partial<typeof activities>;
  maxConcurrentActivityTaskExecutions?: number;
}

export const workflowsPath = require.resolve('./workflows');

/** Bundles the workflow code once (a few seconds); pass the result to several workers. */
export function bundleSparkifyWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({ workflowsPath, logger: new DefaultLogger('WARN') });
}

export async function createSparkifyWorker(options: SparkifyWorkerOptions): Promise<Worker> {
  const workflows = options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    ...workflows,
    activities: { ...activities, ...options.activities },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? DEFAULT_MAX_ACTIVITIES,
    // Cancellation reaches an activity only in a heartbeat response; the default throttle (80% of
    // the heartbeat timeout) would leave a cancelled COPY running for most of a minute.
    maxHeartbeatThrottleInterval: '2 seconds',
    shutdownGraceTime: '10 seconds',
  });
}
