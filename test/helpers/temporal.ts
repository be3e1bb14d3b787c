/**
 * Temporal for a test file: our devserver started once per file (or TEMPORAL_ADDRESS when set),
 * a TestWorkflowEnvironment on it, and the workflow code bundled once. Each test gets its own
 * task queue, so files running in parallel never take each other's tasks.
 */
import { Connection, type ConnectionOptions } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker, type WorkflowBundle } from '@temporalio/worker';
import { startTogether } from '../../devserver/test/helpers/start-together';
import { bundleSparkifyWorkflows, createSparkifyWorker, type SparkifyWorkerOptions } from '../../src/worker';

export interface TemporalForTests {
  env: TestWorkflowEnvironment;
  address: string;
  bundle: WorkflowBundle;
  /** A task queue no other test uses. */
  taskQueue(label: string): string;
  /** A worker on `taskQueue` with the real activities, except those the test replaces. */
  worker(taskQueue: string, options?: Pick<SparkifyWorkerOptions, 'activities' | 'maxConcurrentActivityTaskExecutions'>): Promise<Worker>;
  /**
   * Waits `ms` on the server's clock. With `timeSkipping`, a running activity that calls it lets the
   * devserver skip ahead (to a heartbeat timeout, say) instead of waiting in real time; on a real
   * Temporal it is an ordinary wait.
   */
  sleepOnServerClock(ms: number): Promise<void>;
  stop(): Promise<void>;
}

export interface TemporalForTestsOptions {
  /**
   * Run our devserver with time skipping unlocked: whenever no workflow task, activity attempt or
   * query is in flight, its clock jumps to the next deadline (retry backoffs, timeouts). Only for
   * files whose waits are all on the server's clock, never on something outside recovering.
   */
  timeSkipping?: boolean;
}

let runtimeInstalled = false;

async function temporalServer(timeSkipping: boolean): Promise<{ address: string; timeSkipping: boolean; stopServer(): Promise<void> }> {
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) return { address: existing, timeSkipping: false, stopServer: async () => undefined };
  const { startDevServer } = await import('../../devserver/src');
  const server = await startDevServer({ port: 0, timeSkipping: timeSkipping ? { locked: false } : undefined });
  return {
    address: server.address,
    timeSkipping,
    stopServer: async () => {
      await server.stop();
    },
  };
}

export async function startTemporalForTests(options: TemporalForTestsOptions = {}): Promise<TemporalForTests> {
  if (!runtimeInstalled && !Runtime._instance) {
    // Worker chatter at INFO would bury the test output; warnings still show.
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const { address, timeSkipping, stopServer } = await temporalServer(options.timeSkipping ?? false);
  let testConnection: Connection | undefined;
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundle;
  try {
    // The TestService client is built only on request, as @temporalio/testing does for its test server.
    testConnection = timeSkipping
      ? await Connection.connect({ address, [InternalConnectionOptionsSymbol]: { supportsTestService: true } } as ConnectionOptions)
      : undefined;
    [env, bundle] = await startTogether(
      {
        start: TestWorkflowEnvironment.createFromExistingServer({ address, namespace: process.env.TEMPORAL_NAMESPACE || 'default' }),
        close: (started) => started.teardown(),
      },
      { start: bundleSparkifyWorkflows() },
    );
  } catch (error) {
    // A failed start leaves no server or connection behind to keep the jest worker alive.
    await testConnection?.close();
    await stopServer();
    throw error;
  }
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
    async sleepOnServerClock(ms) {
      if (testConnection) await testConnection.testService!.unlockTimeSkippingWithSleep({ duration: msToTs(ms) });
      else await new Promise((resolve) => setTimeout(resolve, ms));
    },
    async stop() {
      await testConnection?.close();
      await env.teardown();
      await stopServer();
    },
  };
}
