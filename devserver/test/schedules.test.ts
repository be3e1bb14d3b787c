/**
 * Schedules through @temporalio/client's schedule API with the real worker: interval runs, overlap
 * policies (skip, buffer one), trigger, pause/unpause, backfill, update, delete, matching times
 * across a DST change, typed errors, and scheduled workflow ids and search attributes.
 */
import { ScheduleAlreadyRunning, ScheduleHandle, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowExecutionInfo } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { uniqueId } from './helpers/ids';
import { ActivityRecorder, createActivities } from './helpers/activities';
import { ConformanceServer, openConformanceServer } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, RunningWorker, startWorker } from './helpers/worker';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { failingWorkflow, sleeper } from './workflows';

jest.setTimeout(60_000);

let server: ConformanceServer;
let worker: RunningWorker;
const handles: ScheduleHandle[] = [];

beforeAll(async () => {
  const bundle = await bundleConformanceWorkflows();
  server = await openConformanceServer();
  worker = await startWorker(server.nativeConnection, server.namespace, bundle, createActivities(new ActivityRecorder()));
});

afterAll(async () => {
  for (const handle of handles) await handle.delete().catch(() => undefined);
  await worker?.stop();
  await server?.close();
});

/** RFC 3339 in whole seconds, as Temporal appends it to scheduled workflow ids. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

async function scheduledWorkflows(scheduleId: string): Promise<WorkflowExecutionInfo[]> {
  const found: WorkflowExecutionInfo[] = [];
  for await (const workflow of server.client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) found.push(workflow);
  return found.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
}

async function createSchedule(options: Parameters<ConformanceServer['client']['schedule']['create']>[0]): Promise<ScheduleHandle> {
  const handle = await server.client.schedule.create(options);
  handles.push(handle);
  return handle;
}

function sleeperAction(workflowId: string, ms: number) {
  return { type: 'startWorkflow' as const, workflowType: sleeper, args: [ms] as [number], taskQueue: worker.taskQueue, workflowId };
}

async function actionsTaken(handle: ScheduleHandle, atLeast: number, timeoutMs = 20_000) {
  return waitFor(`${atLeast} actions of ${handle.scheduleId}`, async () => {
    const description = await handle.describe();
    return description.info.numActionsTaken >= atLeast ? description : undefined;
  }, timeoutMs, 200);
}

test('an interval schedule of one second starts several runs with scheduled ids and search attributes; delete stops it', async () => {
  const scheduleId = uniqueId('sched-interval');
  const workflowId = uniqueId('sched-interval-wf');
  const handle = await createSchedule({
    scheduleId,
    spec: { intervals: [{ every: '1s' }] },
    action: sleeperAction(workflowId, 0),
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    memo: { owner: 'tests' },
  });
  const description = await actionsTaken(handle, 3);
  expect(description.memo).toEqual({ owner: 'tests' });
  expect(description.info.recentActions.length).toBeGreaterThanOrEqual(3);
  for (const action of description.info.recentActions) {
    // Interval times are whole seconds; the id carries the scheduled time.
    expect(action.scheduledAt.getTime() % 1000).toBe(0);
    expect(action.action.workflow.workflowId).toBe(`${workflowId}-${rfc3339(action.scheduledAt.getTime())}`);
  }
  const next = description.info.nextActionTimes.map((time) => time.getTime());
  expect(next).toHaveLength(10);
  next.slice(1).forEach((time, index) => expect(time - next[index]).toBe(1000));

  const workflows = await waitFor('three listed scheduled workflows', async () => {
    const found = await scheduledWorkflows(scheduleId);
    return found.length >= 3 ? found : undefined;
  });
  for (const workflow of workflows) {
    const startTime = workflow.searchAttributes.TemporalScheduledStartTime as Date[];
    expect(workflow.searchAttributes.TemporalScheduledById).toEqual([scheduleId]);
    expect(workflow.workflowId).toBe(`${workflowId}-${rfc3339(new Date(startTime[0]).getTime())}`);
  }

  await handle.delete();
  handles.splice(handles.indexOf(handle), 1);
  await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  const afterDelete = (await scheduledWorkflows(scheduleId)).length;
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect((await scheduledWorkflows(scheduleId)).length).toBe(afterDelete);
});

test('skip: while a slow run is running, due actions are skipped and counted', async () => {
  const handle = await createSchedule({
    scheduleId: uniqueId('sched-skip'),
    spec: { intervals: [{ every: '1s' }] },
    action: sleeperAction(uniqueId('sched-skip-wf'), 4000),
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
  });
  const description = await waitFor('two skipped actions', async () => {
    const current = await handle.describe();
    return current.info.numActionsSkippedOverlap >= 2 ? current : undefined;
  });
  expect(description.info.numActionsTaken).toBe(1);
  expect(description.info.runningActions).toHaveLength(1);
  expect(description.info.runningActions[0].workflow.workflowId).toBe(description.info.recentActions[0].action.workflow.workflowId);
  expect(Number(description.raw.info?.bufferSize ?? 0)).toBe(0);
  await handle.pause('done');
});

test('buffer one: one start waits for the running one, further ones are skipped', async () => {
  const handle = await createSchedule({
    scheduleId: uniqueId('sched-buffer-one'),
    spec: { intervals: [{ every: '1s' }] },
    action: sleeperAction(uniqueId('sched-buffer-one-wf'), 3000),
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE },
  });
  const buffered = await waitFor('one buffered start and one skipped', async () => {
    const current = await handle.describe();
    return Number(current.raw.info?.bufferSize ?? 0) === 1 && current.info.numActionsSkippedOverlap >= 1 ? current : undefined;
  });
  expect(buffered.info.numActionsTaken).toBe(1);
  // When the first run finishes, the buffered start runs at once.
  const second = await actionsTaken(handle, 2, 15_000);
  const [first, next] = second.info.recentActions;
  expect(next.takenAt.getTime()).toBeGreaterThanOrEqual(first.takenAt.getTime() + 2500);
  await handle.pause('done');
});

test('trigger starts a run now; pause stops actions and unpause resumes them, with notes', async () => {
  const triggered = await createSchedule({
    scheduleId: uniqueId('sched-trigger'),
    spec: { calendars: [{ month: 'JANUARY', dayOfMonth: 1, hour: 0 }] },
    action: sleeperAction(uniqueId('sched-trigger-wf'), 0),
  });
  const before = Date.now();
  await triggered.trigger();
  const afterTrigger = await actionsTaken(triggered, 1, 10_000);
  expect(afterTrigger.info.recentActions[0].takenAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

  const handle = await createSchedule({
    scheduleId: uniqueId('sched-pause'),
    spec: { intervals: [{ every: '1s' }] },
    action: sleeperAction(uniqueId('sched-pause-wf'), 0),
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
  });
  await actionsTaken(handle, 1);
  await handle.pause('maintenance window');
  const paused = await handle.describe();
  expect(paused.state).toMatchObject({ paused: true, note: 'maintenance window' });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const stillPaused = await handle.describe();
  // At most one action that was already under way when the pause arrived.
  expect(stillPaused.info.numActionsTaken).toBeLessThanOrEqual(paused.info.numActionsTaken + 1);
  const countWhilePaused = stillPaused.info.numActionsTaken;
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await handle.describe()).info.numActionsTaken).toBe(countWhilePaused);
  await handle.unpause('back on');
  const resumed = await actionsTaken(handle, countWhilePaused + 2);
  expect(resumed.state).toMatchObject({ paused: false, note: 'back on' });
  await handle.pause('done');
});

test('backfill over a past range starts one run per matching time', async () => {
  const scheduleId = uniqueId('sched-backfill');
  const workflowId = uniqueId('sched-backfill-wf');
  const handle = await createSchedule({
    scheduleId,
    spec: { cronExpressions: ['* * * * *'] },
    action: sleeperAction(workflowId, 0),
    state: { paused: true, note: 'backfill only' },
  });
  const start = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  await handle.backfill({ start: new Date(start), end: new Date(start + 4 * 60_000), overlap: ScheduleOverlapPolicy.ALLOW_ALL });
  const expected = [0, 1, 2, 3, 4].map((minute) => `${workflowId}-${rfc3339(start + minute * 60_000)}`);
  const workflows = await waitFor('five backfilled runs', async () => {
    const found = await scheduledWorkflows(scheduleId);
    return found.length >= 5 ? found : undefined;
  });
  expect(workflows.map((workflow) => workflow.workflowId)).toEqual(expected);
  expect((await handle.describe()).info.numActionsTaken).toBe(5);
});

test('update replaces the spec', async () => {
  const handle = await createSchedule({
    scheduleId: uniqueId('sched-update'),
    spec: { calendars: [{ month: 'JANUARY', dayOfMonth: 1, hour: 0 }] },
    action: sleeperAction(uniqueId('sched-update-wf'), 0),
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
  });
  const before = await handle.describe();
  expect(before.info.nextActionTimes[0].toISOString()).toMatch(/-01-01T00:00:00\.000Z$/);
  await handle.update((previous) => ({ ...previous, spec: { intervals: [{ every: '1s' }] } }));
  const after = await handle.describe();
  expect(after.spec.intervals?.map((interval) => interval.every)).toEqual([1000]);
  expect(after.spec.calendars).toEqual([]);
  expect(after.info.lastUpdatedAt).toBeInstanceOf(Date);
  await actionsTaken(handle, 2);
  await handle.pause('done');
});

test('a cron with a time zone matches wall-clock times across DST changes', async () => {
  const handle = await createSchedule({
    scheduleId: uniqueId('sched-dst'),
    spec: { cronExpressions: ['30 1 * * *'], timezone: 'America/New_York' },
    action: sleeperAction(uniqueId('sched-dst-wf'), 0),
    state: { paused: true },
  });
  const matching = async (start: string, end: string) => {
    const response: temporal.api.workflowservice.v1.IListScheduleMatchingTimesResponse = await server.client.workflowService.listScheduleMatchingTimes({
      namespace: server.namespace,
      scheduleId: handle.scheduleId,
      startTime: msToTs(Date.parse(start)),
      endTime: msToTs(Date.parse(end)),
    });
    return (response.startTime ?? []).map((time) => new Date(Number(time.seconds) * 1000).toISOString());
  };
  // 2026-11-01: clocks go back at 02:00 EDT, so 01:30 happens twice (EDT, then EST).
  expect(await matching('2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z')).toEqual([
    '2026-10-31T05:30:00.000Z',
    '2026-11-01T05:30:00.000Z',
    '2026-11-01T06:30:00.000Z',
    '2026-11-02T06:30:00.000Z',
  ]);
  // 2026-03-08: clocks go forward at 02:00 EST; 01:30 is before the gap and happens once, in EST.
  expect(await matching('2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z')).toEqual([
    '2026-03-07T06:30:00.000Z',
    '2026-03-08T06:30:00.000Z',
    '2026-03-09T05:30:00.000Z',
  ]);
  const description = await handle.describe();
  expect(description.spec.timezone).toBe('America/New_York');
  expect(description.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 1, end: 1, step: 1 }], minute: [{ start: 30, end: 30, step: 1 }] });
});

test('typed errors: already running, not found, invalid spec', async () => {
  const scheduleId = uniqueId('sched-errors');
  await createSchedule({ scheduleId, spec: { intervals: [{ every: '1h' }] }, action: sleeperAction(uniqueId('sched-errors-wf'), 0) });
  await expect(
    server.client.schedule.create({ scheduleId, spec: { intervals: [{ every: '1h' }] }, action: sleeperAction(uniqueId('sched-errors-wf'), 0) }),
  ).rejects.toBeInstanceOf(ScheduleAlreadyRunning);
  const missing = server.client.schedule.getHandle(uniqueId('sched-missing'));
  await expect(missing.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  await expect(missing.pause()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  await expect(missing.delete()).rejects.toBeInstanceOf(ScheduleNotFoundError);
  await expect(
    server.client.schedule.create({ scheduleId: uniqueId('sched-bad'), spec: { cronExpressions: ['61 * * * *'] }, action: sleeperAction(uniqueId('sched-bad-wf'), 0) }),
  ).rejects.toBeInstanceOf(TypeError);
});

test('list finds schedules by a visibility query on their search attributes', async () => {
  const tag = uniqueId('tag');
  const scheduleId = uniqueId('sched-list');
  await createSchedule({
    scheduleId,
    spec: { intervals: [{ every: '1h' }] },
    action: sleeperAction(uniqueId('sched-list-wf'), 0),
    searchAttributes: { CustomKeywordField: [tag] },
    state: { paused: true, note: 'listed' },
  });
  const waitForListing = async (query: string) =>
    waitFor(`schedules matching ${query}`, async () => {
      const ids: string[] = [];
      for await (const entry of server.client.schedule.list({ query })) ids.push(entry.scheduleId);
      return ids.length > 0 ? ids : undefined;
    });
  expect(await waitForListing(`CustomKeywordField = '${tag}'`)).toEqual([scheduleId]);
  const listed: { scheduleId: string; state: { paused: boolean; note?: string } }[] = [];
  for await (const entry of server.client.schedule.list({ query: `CustomKeywordField = '${tag}'` })) listed.push(entry);
  expect(listed[0].state).toEqual({ paused: true, note: 'listed' });
});

/** The gRPC status code a raw call fails with, or a test failure if it succeeds. */
async function grpcFailureCode(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
  } catch (error) {
    if (isGrpcServiceError(error)) return error.code;
    throw error;
  }
  throw new Error('the call succeeded but was expected to fail');
}

test('update with a stale conflict token fails; a retried create with the same request id succeeds', async () => {
  const scheduleId = uniqueId('sched-token');
  const handle = await createSchedule({ scheduleId, spec: { intervals: [{ every: '1h' }] }, action: sleeperAction(uniqueId('sched-token-wf'), 0) });
  const service = server.client.workflowService;
  const stale: temporal.api.workflowservice.v1.IDescribeScheduleResponse = await service.describeSchedule({ namespace: server.namespace, scheduleId });
  await handle.pause('changes the token');
  const update = (token: Uint8Array | null | undefined, schedule: temporal.api.schedule.v1.ISchedule | null | undefined) =>
    service.updateSchedule({ namespace: server.namespace, scheduleId, schedule, conflictToken: token, requestId: randomUUID(), identity: 'test' });
  expect(await grpcFailureCode(() => update(stale.conflictToken, stale.schedule))).toBe(GrpcStatus.FAILED_PRECONDITION);
  const current: temporal.api.workflowservice.v1.IDescribeScheduleResponse = await service.describeSchedule({ namespace: server.namespace, scheduleId });
  await update(current.conflictToken, { ...current.schedule, state: { paused: true, notes: 'updated with the current token' } });
  expect((await handle.describe()).state.note).toBe('updated with the current token');

  const retriedId = uniqueId('sched-retried');
  const create = (requestId: string) =>
    service.createSchedule({ namespace: server.namespace, scheduleId: retriedId, schedule: current.schedule, requestId, identity: 'test' });
  const requestId = randomUUID();
  await create(requestId);
  handles.push(server.client.schedule.getHandle(retriedId));
  await create(requestId);
  expect(await grpcFailureCode(() => create(randomUUID()))).toBe(GrpcStatus.ALREADY_EXISTS);
});

test("the action's memo and search attributes reach its workflows; a failed run pauses a pause-on-failure schedule", async () => {
  const scheduleId = uniqueId('sched-failure');
  const workflowId = uniqueId('sched-failure-wf');
  const tag = uniqueId('tag');
  const handle = await createSchedule({
    scheduleId,
    spec: { intervals: [{ every: '1s' }] },
    action: {
      type: 'startWorkflow',
      workflowType: failingWorkflow,
      args: ['broken on purpose'],
      taskQueue: worker.taskQueue,
      workflowId,
      memo: { team: 'dwh' },
      searchAttributes: { CustomKeywordField: [tag] },
    },
    policies: { pauseOnFailure: true },
  });
  const paused = await waitFor('the schedule paused by the failure', async () => {
    const description = await handle.describe();
    return description.state.paused ? description : undefined;
  });
  const failedId = paused.info.recentActions[0].action.workflow.workflowId;
  expect(paused.state.note).toBe(`paused due to workflow failure: ${failedId}: broken on purpose`);
  const [failed] = await scheduledWorkflows(scheduleId);
  expect(failed.workflowId).toBe(failedId);
  expect(failed.status.name).toBe('FAILED');
  expect(failed.memo).toEqual({ team: 'dwh' });
  expect(failed.searchAttributes.CustomKeywordField).toEqual([tag]);
});

test('terminate other and cancel other replace a running workflow with the next one', async () => {
  for (const [overlap, closedStatus] of [
    [ScheduleOverlapPolicy.TERMINATE_OTHER, 'TERMINATED'],
    [ScheduleOverlapPolicy.CANCEL_OTHER, 'CANCELLED'],
  ] as const) {
    const scheduleId = uniqueId('sched-replace');
    const handle = await createSchedule({
      scheduleId,
      spec: { intervals: [{ every: '2s' }] },
      action: sleeperAction(uniqueId('sched-replace-wf'), 60_000),
      policies: { overlap },
    });
    const replaced = await actionsTaken(handle, 2);
    await handle.pause('done');
    const [first, second] = replaced.info.recentActions.map((action) => action.action.workflow.workflowId);
    const firstRun = server.client.workflow.getHandle(first);
    await waitFor(`${first} closed`, async () => ((await firstRun.describe()).status.name === closedStatus ? true : undefined));
    expect(replaced.info.runningActions.map((action) => action.workflow.workflowId)).toEqual([second]);
    expect((await server.client.workflow.getHandle(second).describe()).status.name).toBe('RUNNING');
    await server.client.workflow.getHandle(second).terminate('test done');
  }
});

test('a limited schedule takes its remaining actions and then none', async () => {
  const handle = await createSchedule({
    scheduleId: uniqueId('sched-limited'),
    spec: { intervals: [{ every: '1s' }] },
    action: sleeperAction(uniqueId('sched-limited-wf'), 0),
    policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    state: { remainingActions: 2 },
  });
  const done = await actionsTaken(handle, 2);
  expect(done.state.remainingActions).toBe(0);
  expect(done.info.nextActionTimes).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  expect((await handle.describe()).info.numActionsTaken).toBe(2);
});

test('a retried patch (same request id) triggers once', async () => {
  const scheduleId = uniqueId('sched-retried-patch');
  const handle = await createSchedule({
    scheduleId,
    spec: { calendars: [{ month: 'JANUARY', dayOfMonth: 1, hour: 0 }] },
    action: sleeperAction(uniqueId('sched-retried-patch-wf'), 0),
  });
  const requestId = randomUUID();
  const trigger = (id: string) =>
    server.client.workflowService.patchSchedule({
      namespace: server.namespace,
      scheduleId,
      requestId: id,
      identity: 'test',
      patch: { triggerImmediately: { overlapPolicy: temporal.api.enums.v1.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL } },
    });
  await trigger(requestId);
  await actionsTaken(handle, 1);
  // The retry comes a second later, so a second action would get a workflow id of its own.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await trigger(requestId);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect((await handle.describe()).info.numActionsTaken).toBe(1);
});
