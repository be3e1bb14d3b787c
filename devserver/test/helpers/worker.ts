/** One worker per test file: bundled once, polling a unique task queue until the file is done. */
import { bundleWorkflowCode, NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import * as path from 'node:path';
import { uniqueId } from './ids';

export type WorkflowBundle = Awaited<ReturnType<typeof bundleWorkflowCode>>;

/** Bundling takes seconds: do it once per test file. */
export async function bundleConformanceWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../workflows/index.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message), log() {} },
  });
}

export interface RunningWorker {
  taskQueue: string;
  worker: Worker;
  stop(): Promise<void>;
}

export async function startWorker(
  connection: NativeConnection,
  namespace: string,
  workflowBundle: WorkflowBundle,
  activities: object,
  overrides: Partial<WorkerOptions> = {},
): Promise<RunningWorker> {
  const taskQueue = overrides.taskQueue ?? uniqueId('conformance');
  const worker = await Worker.create({
    connection,
    namespace,
    taskQueue,
    workflowBundle,
    activities,
    shutdownGraceTime: '2s',
    ...overrides,
  });
  const running = worker.run();
  return {
    taskQueue,
    worker,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
