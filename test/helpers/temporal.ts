/**
 * Temporal for a test file: our devserver started once per file (or TEMPORAL_ADDRESS when set),
 * a TestWorkflowEnvironment on it, and the workflow code bundled once. Each test gets its own
 * task queue, so files running in parallel never take each other's tasks.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { bundleSparkifyWorkflows, createSparkifyWorker, type SparkifyWorkerOptions } from '../../src/worker';

export interface TemporalForTests {
  env: TestWorkflowEnvironment;
  address: string;
  bundle: WorkflowBundle;
  /** A task queue no other test uses. */
  taskQueue(label: string): string;
  /** A worker on `taskQueue` with the real activities, except those the test replaces. */
  worker(taskQueue: string, options?: Pick<SparkifyWorkerOptions, 'activities' | 'maxConcurrentActivityTaskExecutions'>): Promise<Worker>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

async function temporalServer(): Promise<{ address: string; stopServer(): Promise<void> }> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) return { address: existing, stopServer: async () => undefined };
  const { startDevServer } = await import('../../devserver/src');
  const server = await startDevServer({ port: 0 });
  return {
    address: server.address,
    stopServer: async () => {
      await server.stop();
    },
  };
}

export async function startTemporalForTests(): Promise<TemporalForTests> {
  if (!runtimeInstalled && !Runtime._instance) {
    // Worker chatter at INFO would bury the test output; warnings still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const { address, stopServer } = await temporalServer();
  const [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createFromExistingServer({
      address,
      namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    }),
    bundleSparkifyWorkflows(),
  ]);
  const fileTag = Math.random().toString(36).slice(2, 8);
  let queues = 0;
  return {
    env,
    address,
    bundle,
    taskQueue: (label) => `sparkify-test-${label}-${fileTag}-${++queues}`,
    worker: (taskQueue, options = {}) =>
      createSparkifyWorker({
        connection: env.nativeConnection,
        namespace: env.namespace ?? 'default',
        taskQueue,
        workflowBundle: bundle,
        ...options,
      }),
    async stop() {
      await env.teardown();
      await stopServer();
    },
  };
}
