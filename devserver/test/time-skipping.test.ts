/**
 * Time skipping: the devserver as the SDK's time-skipping test server, started by
 * TestWorkflowEnvironment.createTimeSkipping() through `devserver/bin/temporal <port>`. Timers,
 * timeouts, retry backoffs and schedules run on the virtual clock; the TestService's lock counter,
 * Sleep, SleepUntil and GetCurrentTime behave as Temporal's test server documents them.
 *
 * One environment serves the file, so its tests run one after another and each leaves the lock
 * counter as it found it (one lock, held by the environment between result() waits) and no
 * workflow with work in flight. Needs the test-server mode: skipped against a real server.
 */
import { Connection, ConnectionOptions, ScheduleOverlapPolicy, WorkflowFailedError } from '@temporalio/client';
import { InternalConnectionOptionsSymbol } from '@temporalio/client/lib/connection';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { msToTs } from '@temporalio/common/lib/time';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTimeSkippingEnv } from './helpers/child-server';
import { eventTypeName, fetchEvents, HistoryEvent } from './helpers/history';
import { uniqueId } from './helpers/ids';
import { installQuietRuntime, realServerAddress } from './helpers/server';
import { within } from './helpers/wait';
import { RunningWorker, startWorker } from './helpers/worker';
import {
  activityOutlivingItsTimeout,
  concurrentTimers,
  retriedWithLongBackoff,
  sleepFor,
  stampStartTime,
  TimeSkippingActivities,
  waitsForSignalThatNeverComes,
} from './workflows/time-skipping';

const describeTimeSkipping = realServerAddress ? describe.skip : describe;

const SECOND = 1000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

function eventTimeMs(event: HistoryEvent): number {
  return Number(event.eventTime!.seconds) * 1000 + Math.floor((event.eventTime!.nanos ?? 0) / 1e6);
}

function eventsOfType(events: HistoryEvent[], type: string): HistoryEvent[] {
  return events.filter((event) => eventTypeName(event.eventType) === type);
}

async function grpcFailure(call: () => Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call();
  } catch (error) {
    const { code, details, message } = error as { code: number; details?: string; message: string };
    return { code, message: details ?? message };
  }
  throw new Error('expected the call to fail');
}

describeTimeSkipping('time skipping (devserver as the SDK test server)', () => {
  let env: TestWorkflowEnvironment;
  let worker: RunningWorker;

  beforeAll(async () => {
    installQuietRuntime();
    // The server first, then the bundle: webpack beside it would slow the start the SDK waits 5 s for.
    env = await createTimeSkippingEnv();
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'workflows/time-skipping.ts'),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message), log() {} },
    });
    const activities: TimeSkippingActivities = {
      async sleepOnServerClock(sleepMs) {
        // The SDK's documented way for an activity to let the server's time pass: it releases the
        // hold this running activity has on the clock until the clock has moved sleepMs on.
        await env.sleep(sleepMs);
        return 'slept';
      },
      async failUntilAttempt(succeedOn) {
        const { attempt } = Context.current().info;
        if (attempt < succeedOn) throw ApplicationFailure.retryable(`attempt ${attempt} fails`);
        return attempt;
      },
    };
    worker = await startWorker(env.nativeConnection, 'default', workflowBundle, activities);
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await env?.teardown();
  });

  test('the environment is a time-skipping one and its clock starts at wall time', async () => {
    expect(env.supportsTimeSkipping).toBe(true);
    const virtual = await env.currentTimeMs();
    expect(Math.abs(virtual - Date.now())).toBeLessThan(60 * SECOND);
  });

  test('a workflow sleeping 30 days completes at once; workflow time and history show the 30 days', async () => {
    const workflowId = uniqueId('sleep-30-days');
    const virtualBefore = await env.currentTimeMs();
    const result = await within('30-day sleep', 20_000, env.client.workflow.execute(sleepFor, { taskQueue: worker.taskQueue, workflowId, args: [30 * DAY] }));
    const virtualAfter = await env.currentTimeMs();

    expect(result.after - result.before).toBeGreaterThanOrEqual(30 * DAY);
    expect(result.after - result.before).toBeLessThan(30 * DAY + 60 * SECOND);
    expect(virtualAfter - virtualBefore).toBeGreaterThanOrEqual(30 * DAY);

    const events = await fetchEvents(env.client, workflowId);
    const [started] = eventsOfType(events, 'TimerStarted');
    const [fired] = eventsOfType(events, 'TimerFired');
    expect(eventTimeMs(fired) - eventTimeMs(started)).toBeGreaterThanOrEqual(30 * DAY);
    expect(eventTimeMs(fired) - eventTimeMs(started)).toBeLessThan(30 * DAY + 60 * SECOND);
    const [closed] = eventsOfType(events, 'WorkflowExecutionCompleted');
    expect(eventTimeMs(closed) - eventTimeMs(events[0])).toBeGreaterThanOrEqual(30 * DAY);
  });

  test('concurrent timers fire in the order of their times, each at its own virtual time', async () => {
    const delays = [3 * DAY, HOUR, 2 * DAY, HOUR + SECOND, 10 * SECOND];
    const result = await within(
      'concurrent timers',
      20_000,
      env.client.workflow.execute(concurrentTimers, { taskQueue: worker.taskQueue, workflowId: uniqueId('timers'), args: [delays] }),
    );
    expect(result.fired.map((entry) => entry.delayMs)).toEqual([...delays].sort((a, b) => a - b));
    for (const { delayMs, at } of result.fired) {
      // Each timer's fire is seen by a workflow task of its own, at (not past) the timer's time.
      expect(at - result.startedAt).toBeGreaterThanOrEqual(delayMs);
      expect(at - result.startedAt).toBeLessThan(delayMs + 30 * SECOND);
    }
  });

  test('two results awaited at once both skip (the second unlock releases a workflow task hold)', async () => {
    const [first, second] = await within(
      'two concurrent results',
      20_000,
      Promise.all([
        env.client.workflow.execute(sleepFor, { taskQueue: worker.taskQueue, workflowId: uniqueId('together-a'), args: [2 * DAY] }),
        env.client.workflow.execute(sleepFor, { taskQueue: worker.taskQueue, workflowId: uniqueId('together-b'), args: [3 * DAY] }),
      ]),
    );
    expect(first.after - first.before).toBeGreaterThanOrEqual(2 * DAY);
    expect(second.after - second.before).toBeGreaterThanOrEqual(3 * DAY);
  });

  test("an activity's start-to-close timeout fires in virtual time while it sleeps on the server clock", async () => {
    const workflowId = uniqueId('activity-timeout');
    const outcome = await within(
      'activity timeout',
      20_000,
      env.client.workflow.execute(activityOutlivingItsTimeout, { taskQueue: worker.taskQueue, workflowId, args: [HOUR, 2 * HOUR] }),
    );
    expect(outcome).toBe('timed out: START_TO_CLOSE');
    const events = await fetchEvents(env.client, workflowId);
    const [scheduled] = eventsOfType(events, 'ActivityTaskScheduled');
    const [timedOut] = eventsOfType(events, 'ActivityTaskTimedOut');
    expect(eventTimeMs(timedOut) - eventTimeMs(scheduled)).toBeGreaterThanOrEqual(HOUR);
    expect(eventTimeMs(timedOut) - eventTimeMs(scheduled)).toBeLessThan(HOUR + 60 * SECOND);
  });

  test('retry backoffs of hours are skipped', async () => {
    const workflowId = uniqueId('backoff');
    const attempt = await within('retries', 20_000, env.client.workflow.execute(retriedWithLongBackoff, { taskQueue: worker.taskQueue, workflowId, args: [3] }));
    expect(attempt).toBe(3);
    const events = await fetchEvents(env.client, workflowId);
    const [scheduled] = eventsOfType(events, 'ActivityTaskScheduled');
    const [completed] = eventsOfType(events, 'ActivityTaskCompleted');
    // Backoffs of 1 h and 2 h before the third attempt.
    expect(eventTimeMs(completed) - eventTimeMs(scheduled)).toBeGreaterThanOrEqual(3 * HOUR);
    expect(eventTimeMs(completed) - eventTimeMs(scheduled)).toBeLessThan(3 * HOUR + 60 * SECOND);
  });

  test('a workflow execution timeout of a week is reached at once', async () => {
    const workflowId = uniqueId('execution-timeout');
    const failure = await within(
      'execution timeout',
      20_000,
      env.client.workflow.execute(waitsForSignalThatNeverComes, { taskQueue: worker.taskQueue, workflowId, workflowExecutionTimeout: '7 days' }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const events = await fetchEvents(env.client, workflowId);
    const closed = events[events.length - 1];
    expect(eventTypeName(closed.eventType)).toBe('WorkflowExecutionTimedOut');
    expect(eventTimeMs(closed) - eventTimeMs(events[0])).toBeGreaterThanOrEqual(7 * DAY);
  });

  test('while skipping is locked time runs at wall pace; an extra lock keeps result() from skipping until it is released', async () => {
    const testService = env.connection.testService!;
    const handle = await env.client.workflow.start(sleepFor, { taskQueue: worker.taskQueue, workflowId: uniqueId('locked'), args: [DAY] });
    const virtualBefore = await env.currentTimeMs();
    await testService.lockTimeSkipping({});
    // result() releases one lock; the second one still holds the clock.
    const result = handle.result();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const virtualWhileLocked = await env.currentTimeMs();
    expect(virtualWhileLocked - virtualBefore).toBeGreaterThanOrEqual(1000);
    expect(virtualWhileLocked - virtualBefore).toBeLessThan(HOUR);
    expect((await handle.describe()).status.name).toBe('RUNNING');

    await testService.unlockTimeSkipping({});
    const { before, after } = await within('result once unlocked', 20_000, result);
    expect(after - before).toBeGreaterThanOrEqual(DAY);
  });

  test('time never skips past a workflow task that no worker has taken yet', async () => {
    const testService = env.connection.testService!;
    // No worker polls this queue: the first workflow task stays scheduled and holds the clock.
    const handle = await env.client.workflow.start(sleepFor, { taskQueue: uniqueId('nobody-polls'), workflowId: uniqueId('held'), args: [HOUR], workflowExecutionTimeout: '2 hours' });
    const virtualBefore = await env.currentTimeMs();
    await testService.unlockTimeSkipping({});
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect((await env.currentTimeMs()) - virtualBefore).toBeLessThan(HOUR);
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await handle.terminate('test over');
      await testService.lockTimeSkipping({});
    }
  });

  test('UnlockTimeSkippingWithSleep (env.sleep) skips the duration at once and locks again', async () => {
    const before = await env.currentTimeMs();
    await within('env.sleep of 5 days', 10_000, env.sleep(5 * DAY));
    const after = await env.currentTimeMs();
    expect(after - before).toBeGreaterThanOrEqual(5 * DAY);
    expect(after - before).toBeLessThan(5 * DAY + 60 * SECOND);

    // Locked again: a one-hour timer started now does not fire in a second of wall time.
    const handle = await env.client.workflow.start(sleepFor, { taskQueue: worker.taskQueue, workflowId: uniqueId('relocked'), args: [HOUR] });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await handle.describe()).status.name).toBe('RUNNING');
    await within('result', 20_000, handle.result());
  });

  test('Sleep and SleepUntil wait on the server clock: at wall pace while locked, skipped while unlocked', async () => {
    const testService = env.connection.testService!;
    // Locked (the environment holds its lock): a one-second Sleep takes a second of wall time.
    let wallBefore = performance.now();
    let virtualBefore = await env.currentTimeMs();
    await testService.sleep({ duration: msToTs(SECOND) });
    expect(performance.now() - wallBefore).toBeGreaterThanOrEqual(900);
    expect((await env.currentTimeMs()) - virtualBefore).toBeGreaterThanOrEqual(1000);

    await testService.unlockTimeSkipping({});
    try {
      wallBefore = performance.now();
      virtualBefore = await env.currentTimeMs();
      await within('Sleep of 2 days', 10_000, testService.sleep({ duration: msToTs(2 * DAY) }));
      const afterSleep = await env.currentTimeMs();
      expect(afterSleep - virtualBefore).toBeGreaterThanOrEqual(2 * DAY);

      const target = afterSleep + 3 * DAY;
      await within('SleepUntil 3 days on', 10_000, testService.sleepUntil({ timestamp: msToTs(target) }));
      expect(await env.currentTimeMs()).toBeGreaterThanOrEqual(target);

      // A time already past answers at once and moves nothing.
      const now = await env.currentTimeMs();
      await within('SleepUntil the past', 5_000, testService.sleepUntil({ timestamp: msToTs(now - DAY) }));
      expect((await env.currentTimeMs()) - now).toBeLessThan(60 * SECOND);
    } finally {
      await testService.lockTimeSkipping({});
    }
  });

  test('unbalanced UnlockTimeSkipping is refused with FAILED_PRECONDITION; the counter stays balanced', async () => {
    const testService = env.connection.testService!;
    await testService.unlockTimeSkipping({});
    const failure = await grpcFailure(() => testService.unlockTimeSkipping({}));
    await testService.lockTimeSkipping({});
    expect(failure.code).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect(failure.message).toContain('UnlockTimeSkipping: time skipping is not locked');
  });

  test('a schedule fires at each of its times when time is skipped', async () => {
    const scheduleId = uniqueId('daily');
    const schedule = await env.client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1 day' }] },
      action: { type: 'startWorkflow', workflowType: stampStartTime, taskQueue: worker.taskQueue, workflowId: `${scheduleId}-run` },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    });
    try {
      const createdAt = await env.currentTimeMs();
      await within('env.sleep of 3 days', 20_000, env.sleep(3 * DAY + HOUR));
      const sleptTo = await env.currentTimeMs();
      const description = await schedule.describe();
      // Every midnight UTC (the interval's epoch-aligned times) in between, computed here.
      const expected: number[] = [];
      for (let at = Math.floor(createdAt / DAY) * DAY + DAY; at <= sleptTo; at += DAY) expected.push(at);
      expect(expected.length).toBeGreaterThanOrEqual(3);
      expect(description.info.recentActions.map((action) => action.scheduledAt.getTime())).toEqual(expected);
      for (const action of description.info.recentActions) {
        const started = await env.client.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId).result();
        // Each run's workflow time is its schedule time (plus the moment it took to start).
        expect(started.at - action.scheduledAt.getTime()).toBeGreaterThanOrEqual(0);
        expect(started.at - action.scheduledAt.getTime()).toBeLessThan(60 * SECOND);
      }
    } finally {
      await schedule.delete();
    }
  });
});

describeTimeSkipping('time skipping with a state file', () => {
  test("a restarted server keeps its clock's lead over wall time", async () => {
    const { startDevServer } = await import('../src/index');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-time-skipping-'));
    const dbFilename = path.join(dir, 'state.db');
    const connect = (address: string) => Connection.connect({ address, [InternalConnectionOptionsSymbol]: { supportsTestService: true } } as ConnectionOptions);
    try {
      let server = await startDevServer({ port: 0, dbFilename, timeSkipping: { locked: false } });
      let connection = await connect(server.address);
      const before = server.timeSkipping()!.nowMs;
      await within('Sleep of 10 days', 10_000, connection.testService!.sleep({ duration: msToTs(10 * DAY) }));
      const skippedTo = server.timeSkipping()!.nowMs;
      expect(skippedTo - before).toBeGreaterThanOrEqual(10 * DAY);
      // The lead over wall time is what the state file must keep.
      expect(skippedTo - Date.now()).toBeGreaterThan(9 * DAY);
      await connection.close();
      await server.stop();

      server = await startDevServer({ port: 0, dbFilename, timeSkipping: true });
      connection = await connect(server.address);
      try {
        const { time } = await connection.testService!.getCurrentTime({});
        const restartedAt = Number(time!.seconds) * 1000;
        expect(restartedAt).toBeGreaterThanOrEqual(Math.floor(skippedTo / 1000) * 1000);
        expect(restartedAt - skippedTo).toBeLessThan(60 * SECOND);
        expect(server.timeSkipping()).toMatchObject({ locks: 1, holds: 0, sleepers: 0 });
      } finally {
        await connection.close();
        await server.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
