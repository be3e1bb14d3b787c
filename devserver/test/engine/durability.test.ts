/** The journal: a server restarted on the same state file carries on open workflows. */
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection, WorkflowUpdateStage } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { startDevServer } from '../../src';
import { Journal } from '../../src/persistence/journal';
import { waitFor } from '../helpers/wait';
import { bundleConformanceWorkflows, startWorker } from '../helpers/worker';
import { addItemUpdate, sleeper, updatableCollector } from '../workflows';

const EventType = temporal.api.enums.v1.EventType;

let bundle: WorkflowBundleWithSourceMap;
let dir: string;

beforeAll(async () => {
  bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} } as never });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-journal-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a signal and a running timer survive a restart; a worker that shut down hands its sticky workflows back', async () => {
  const dbFilename = path.join(dir, 'state.jsonl');
  const taskQueue = `durable-${randomUUID()}`;
  const workflowId = `durable-${randomUUID()}`;

  // First life: start, let a worker cache the workflow (sticky), shut that worker down, signal.
  const first = await startDevServer({ port: 0, dbFilename, namespaces: ['journal-ns'] });
  const connection1 = await Connection.connect({ address: first.address });
  const native1 = await NativeConnection.connect({ address: first.address });
  const client1 = new Client({ connection: connection1 });
  const worker1 = await Worker.create({ connection: native1, taskQueue, workflowBundle: bundle, activities: {} });
  const handle = await worker1.runUntil(async () => {
    const started = await client1.workflow.start('waitThenSleep', { taskQueue, workflowId, args: [1500] });
    // The first workflow task has completed once the workflow can be queried.
    await started.query('__stack_trace');
    return started;
  });
  // worker1 is shut down (ShutdownWorker): a second worker must get the next task without waiting for the sticky timeout.
  const worker2 = await Worker.create({ connection: native1, taskQueue, workflowBundle: bundle, activities: {} });
  const before = Date.now();
  await worker2.runUntil(async () => {
    await handle.signal('proceed');
    // The signal is processed and the timer started once the pending workflow task is gone.
    await waitFor(
      'the signal processed by the second worker',
      async () => {
        const description = await client1.workflowService.describeWorkflowExecution({ namespace: 'default', execution: { workflowId } });
        return description.pendingWorkflowTask ? undefined : true;
      },
      8_000,
    );
  });
  expect(Date.now() - before).toBeLessThan(8000);
  await connection1.close();
  await native1.close();
  await first.stop();

  // Second life on the same file: the namespace, the run and its timer are still there.
  const second = await startDevServer({ port: 0, dbFilename });
  const connection2 = await Connection.connect({ address: second.address });
  const native2 = await NativeConnection.connect({ address: second.address });
  const client2 = new Client({ connection: connection2 });
  try {
    const namespaces = await connection2.workflowService.listNamespaces({});
    expect(namespaces.namespaces.map((ns) => ns.namespaceInfo?.name).sort()).toEqual(['default', 'journal-ns']);
    const worker3 = await Worker.create({ connection: native2, taskQueue, workflowBundle: bundle, activities: {} });
    const result = await worker3.runUntil(client2.workflow.getHandle(workflowId).result());
    expect(result).toBe(1);
    const history = await client2.workflow.getHandle(workflowId).fetchHistory();
    const types = (history.events ?? []).map((event) => event.eventType);
    expect(types.filter((type) => type === EventType.EVENT_TYPE_TIMER_STARTED)).toHaveLength(1);
    expect(types.filter((type) => type === EventType.EVENT_TYPE_TIMER_FIRED)).toHaveLength(1);
    expect(types.filter((type) => type === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)).toHaveLength(1);
  } finally {
    await connection2.close();
    await native2.close();
    await second.stop();
  }
}, 40_000);

test('a state file serves one server at a time; a lock left by a dead process is taken over', async () => {
  const dbFilename = path.join(dir, 'nested', 'locked.jsonl');
  const first = await startDevServer({ port: 0, dbFilename });
  await expect(startDevServer({ port: 0, dbFilename })).rejects.toThrow(`${dbFilename} is in use by another devserver (pid ${process.pid}`);
  await first.stop();
  // A SIGKILLed owner leaves its lock behind; no Linux process has pid 2^22 + 1 (pid_max is at most 2^22).
  fs.writeFileSync(`${dbFilename}.lock`, String(4_194_305));
  const second = await startDevServer({ port: 0, dbFilename });
  await second.stop();
  expect(fs.existsSync(`${dbFilename}.lock`)).toBe(false);
}, 10_000);

/**
 * Journal writes that start 300 ms late once `late` is set: an answer sent before its write then
 * reaches the caller while the state file does not hold it yet.
 */
function lateJournalWrites(): { setLate(): void; restore(): void } {
  let late = false;
  const prototype = Journal.prototype as unknown as { writeBatch: () => Promise<void> };
  const write = prototype.writeBatch;
  const spy = jest.spyOn(prototype, 'writeBatch').mockImplementation(async function (this: Journal) {
    if (late) await new Promise((resolve) => setTimeout(resolve, 300));
    return write.call(this);
  });
  return { setLate: () => void (late = true), restore: () => spy.mockRestore() };
}

/** The event types of `workflowId` in a server recovered from `dbFilename` (a crash at the moment it was copied). */
async function recoveredEventTypes(dbFilename: string, workflowId: string): Promise<number[]> {
  const recovered = await startDevServer({ port: 0, dbFilename });
  const connection = await Connection.connect({ address: recovered.address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    return (history.events ?? []).map((event) => Number(event.eventType));
  } finally {
    await connection.close();
    await recovered.stop();
  }
}

interface LateWritingServer {
  client: Client;
  /** Makes every journal write from now on start 300 ms late. */
  setLate(): void;
  /** Starts a conformance worker on `taskQueue` (or a queue of its own); stopped with the server. */
  startWorker(taskQueue?: string): Promise<{ taskQueue: string }>;
  /** Copies the state file as a crash at this moment would leave it. */
  crash(): void;
}

/**
 * Runs `body` against a journaled server whose writes can be made late, then returns the event
 * types of `workflowId` in a server recovered from the copy `body` took with crash().
 */
async function eventsAfterCrash(
  name: string,
  workflowId: string,
  conformance: Awaited<ReturnType<typeof bundleConformanceWorkflows>>,
  body: (server: LateWritingServer) => Promise<void>,
): Promise<number[]> {
  const dbFilename = path.join(dir, `${name}.jsonl`);
  const crashCopy = path.join(dir, `${name}-at-answer.jsonl`);
  const writes = lateJournalWrites();
  const server = await startDevServer({ port: 0, dbFilename });
  const connection = await Connection.connect({ address: server.address });
  const native = await NativeConnection.connect({ address: server.address });
  const workers: Array<{ stop(): Promise<void> }> = [];
  try {
    await body({
      client: new Client({ connection }),
      setLate: writes.setLate,
      startWorker: async (taskQueue) => {
        const worker = await startWorker(native, 'default', conformance, {}, taskQueue ? { taskQueue } : {});
        workers.push(worker);
        return worker;
      },
      crash: () => fs.copyFileSync(dbFilename, crashCopy),
    });
  } finally {
    for (const worker of workers) await worker.stop();
    await connection.close();
    await native.close();
    await server.stop();
    writes.restore();
  }
  return recoveredEventTypes(crashCopy, workflowId);
}

describe('what a caller was told survives a crash at that moment (the state file copied then holds it)', () => {
  let conformance: Awaited<ReturnType<typeof bundleConformanceWorkflows>>;
  beforeAll(async () => {
    conformance = await bundleConformanceWorkflows();
  }, 30_000);

  test('an update answered as accepted', async () => {
    const taskQueue = `update-durable-${randomUUID()}`;
    const workflowId = `update-durable-${randomUUID()}`;
    const events = await eventsAfterCrash('updates', workflowId, conformance, async (server) => {
      // No worker yet: the update is admitted (and written) first, its acceptance comes later.
      const handle = await server.client.workflow.start(updatableCollector, { taskQueue, workflowId });
      const accepted = handle.startUpdate(addItemUpdate, { args: ['wait'], updateId: 'accepted', waitForStage: WorkflowUpdateStage.ACCEPTED });
      // Time for the admission's own write (milliseconds). Were it slower, the acceptance would share
      // that late write and the test could pass without the fix, never fail with it.
      await new Promise((resolve) => setTimeout(resolve, 200));
      server.setLate();
      await server.startWorker(taskQueue);
      await accepted;
      server.crash();
    });
    expect(events).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  }, 40_000);

  test("a workflow's result, awaited while the workflow runs", async () => {
    const workflowId = `result-durable-${randomUUID()}`;
    const events = await eventsAfterCrash('result', workflowId, conformance, async (server) => {
      const worker = await server.startWorker();
      // The start is written before it is answered; later writes are late, among them the timer's
      // firing and the completion, while the result's long poll waits.
      const handle = await server.client.workflow.start(sleeper, { taskQueue: worker.taskQueue, workflowId, args: [1000] });
      server.setLate();
      expect(await handle.result()).toBe('slept 1000 ms');
      server.crash();
    });
    expect(events).toContain(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  }, 40_000);
});
