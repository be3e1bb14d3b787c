/**
 * The sparkify worker: the sparkifyEtl workflow and the real activities on one task queue.
 * Used by `sparkify worker`, `sparkify up` and the tests; nothing here assumes it is the only
 * worker (activities find their warehouse from the handle, not from process memory).
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
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
  /** A pre-built bundle (tests build one per file); default: bundle src/workflows on start, in a child process. */
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

const BUNDLE_TIMEOUT_MS = 180_000;

/**
 * Bundles the workflow code in a child process (the same node and loaders as this one) and
 * returns it: webpack's memory peak then stays out of the worker's own.
 */
export async function bundleInChildProcess(): Promise<WorkflowBundle> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-workflow-bundle-'));
  const out = path.join(directory, 'workflows.js');
  try {
    await promisify(execFile)(process.execPath, [...process.execArgv, require.resolve('./bundle-workflows-main'), out], {
      timeout: BUNDLE_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: Error & { stderr?: string }) => {
      throw new Error(`bundling the workflow code failed: ${err.stderr?.trim() || err.message}`);
    });
    return { code: fs.readFileSync(out, 'utf8') };
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

export async function createSparkifyWorker(options: SparkifyWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace ?? 'default',
    taskQueue: options.taskQueue ?? DEFAULT_TASK_QUEUE,
    workflowBundle: options.workflowBundle ?? (await bundleInChildProcess()),
    activities: { ...activities, ...options.activities },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? DEFAULT_MAX_ACTIVITIES,
    // Cancellation reaches an activity only in a heartbeat response; the default throttle (80% of
    // the heartbeat timeout) would leave a cancelled COPY running for most of a minute.
    maxHeartbeatThrottleInterval: '2 seconds',
    shutdownGraceTime: '10 seconds',
  });
}
