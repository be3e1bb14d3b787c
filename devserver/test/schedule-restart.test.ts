/**
 * Schedules survive SIGKILL and restart on the same --db-filename: an interval schedule keeps firing
 * and takes the actions it missed while the server was down; one with a 10 s catch-up window counts
 * the older missed times instead of running them; a schedule's buffered starts are still buffered. Devserver only (it restarts the server process).
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActivityRecorder, createActivities } from './helpers/activities';
import { startRestartableServer } from './helpers/child-server';
import { uniqueId } from './helpers/ids';
import { devserverOnlyTest, installQuietRuntime } from './helpers/server';
import { waitFor } from './helpers/wait';
import { bundleConformanceWorkflows, startWorker, WorkflowBundle } from './helpers/worker';
import { sleeper } from './workflows';

let bundle: WorkflowBundle;
let stateDir: string;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleConformanceWorkflows();
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'devserver-schedule-restart-'));
});

afterAll(() => {
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** The scheduled time a workflow id carries (`<id>-<RFC 3339>`), in epoch ms. */
function scheduledTimeOf(workflowId: string): number {
  return Date.parse(workflowId.slice(-'2026-01-01T00:00:00Z'.length));
}

devserverOnlyTest('schedules keep firing across SIGKILL and restart and catch up within their window; buffered starts survive', async () => {
  const devserver = await startRestartableServer(path.join(stateDir, 'state.db'));
  const { client, nativeConnection } = devserver;
  const worker = await startWorker(nativeConnection, 'default', bundle, createActivities(new ActivityRecorder()));
  try {
    const scheduleId = uniqueId('restart-schedule');
    const handle = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1s' }] },
      action: { type: 'startWorkflow', workflowType: sleeper, args: [0], taskQueue: worker.taskQueue, workflowId: uniqueId('restart-schedule-wf') },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
    });
    const shortWindowId = uniqueId('restart-short-window');
    const shortWindow = await client.schedule.create({
      scheduleId: shortWindowId,
      spec: { intervals: [{ every: '1s' }] },
      action: { type: 'startWorkflow', workflowType: sleeper, args: [0], taskQueue: worker.taskQueue, workflowId: uniqueId('restart-short-window-wf') },
      policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL, catchupWindow: '10s' },
    });
    const buffering = await client.schedule.create({
      scheduleId: uniqueId('restart-buffer'),
      spec: { intervals: [{ every: '1s' }] },
      action: { type: 'startWorkflow', workflowType: sleeper, args: [120_000], taskQueue: worker.taskQueue, workflowId: uniqueId('restart-buffer-wf') },
      policies: { overlap: ScheduleOverlapPolicy.BUFFER_ALL },
    });
    await waitFor('two actions before the kill', async () => ((await handle.describe()).info.numActionsTaken >= 2 ? true : undefined), 15_000, 100);
    const bufferedBefore = await waitFor('two buffered starts', async () => {
      const size = Number((await buffering.describe()).raw.info?.bufferSize ?? 0);
      return size >= 2 ? size : undefined;
    });

    // Down longer than the short window's 10 s, so that schedule misses its first times of the downtime.
    const killedAt = await devserver.killAndRestart(12_000);

    // Missed times are taken on recovery, then the schedule goes on firing every second.
    const after = await waitFor('actions after the restart', async () => {
      const description = await handle.describe();
      const latest = description.info.recentActions.at(-1);
      return latest && latest.scheduledAt.getTime() > Date.now() - 1500 && latest.takenAt.getTime() > killedAt + 12_000 ? description : undefined;
    }, 20_000, 200);
    expect(after.info.numActionsMissedCatchupWindow).toBe(0);
    const scheduledTimes = async (id: string) => {
      const ids: string[] = [];
      for await (const workflow of client.workflow.list({ query: `TemporalScheduledById = '${id}'` })) ids.push(workflow.workflowId);
      return ids.map(scheduledTimeOf).sort((a, b) => a - b);
    };
    const times = await scheduledTimes(scheduleId);
    // One run per second from the first to the latest, none lost to the downtime, none twice.
    expect(times.length).toBe((times[times.length - 1] - times[0]) / 1000 + 1);
    expect(times.some((time) => time > killedAt && time < killedAt + 2000)).toBe(true);

    // The short window: the oldest missed times are counted, not run; every other time ran once.
    const short = await shortWindow.describe();
    const shortTimes = await scheduledTimes(shortWindowId);
    expect(short.info.numActionsMissedCatchupWindow).toBeGreaterThanOrEqual(1);
    expect(shortTimes.length + short.info.numActionsMissedCatchupWindow).toBe((shortTimes[shortTimes.length - 1] - shortTimes[0]) / 1000 + 1);
    expect(shortTimes.some((time) => time > killedAt && time < killedAt + 2000)).toBe(false);
    await shortWindow.delete();

    const buffered = await buffering.describe();
    expect(buffered.info.numActionsTaken).toBe(1);
    expect(buffered.info.runningActions).toHaveLength(1);
    expect(Number(buffered.raw.info?.bufferSize ?? 0)).toBeGreaterThanOrEqual(bufferedBefore);
    await handle.delete();
    await buffering.delete();
  } finally {
    await worker.stop();
    await devserver.close();
  }
}, 90_000);
