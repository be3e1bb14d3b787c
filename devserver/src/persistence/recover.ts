/**
 * Rebuilds the engine from the journal: namespaces, then each run's history replayed through
 * `Run.apply`, its buffered events and side state; then every open run is reactivated (timers
 * re-armed, overdue ones fire at once; tasks re-offered; a workflow task that was in flight is
 * timed out so it is redelivered; running activity attempts keep running under their timeouts).
 */
import { EventType as E, TimeoutType, decodeHistoryEvent } from '../proto';
import type { Engine } from '../engine/engine';
import { Run } from '../engine/run';
import { decodeActivitySide } from './journal';
import type { Journal, JournalLine, RunSideState } from './journal';
import { armTimer } from '../engine/timer';
import { armActivityDeadline, dispatchActivity } from '../engine/activity';
import { armFirstTaskBackoff, armRunTimeout } from '../engine/lifecycle';
import { flushAndReschedule, offerWorkflowTask } from '../engine/workflow-task';
import { startChild } from '../engine/child-workflow';
import { deliverExternalCancel, deliverExternalSignal } from '../engine/external';

interface RunImage {
  ns: string;
  wid: string;
  rid: string;
  events: string[];
  buffered: { e: string; r?: number }[];
  side: RunSideState;
}

export async function recoverEngine(engine: Engine, journal: Journal): Promise<void> {
  const images = new Map<string, RunImage>();
  const order: RunImage[] = [];
  for (const line of journal.recoveredLines as JournalLine[]) {
    if (line.t === 'ns') {
      engine.namespaces.set(line.ns.name, line.ns);
      journal.namespaceChanged(line.ns);
      continue;
    }
    // Records of entities outside the engine (schedules) are recovered by their own modules.
    if (line.t !== 'run') continue;
    const key = `${line.ns}\u0000${line.wid}\u0000${line.rid}`;
    let image = images.get(key);
    if (!image) {
      image = { ns: line.ns, wid: line.wid, rid: line.rid, events: [], buffered: [], side: line.side };
      images.set(key, image);
      order.push(image);
    }
    if (line.from !== image.events.length) {
      throw new Error(`journal inconsistency for workflow ${line.wid} run ${line.rid}: events from ${line.from} but ${image.events.length} known`);
    }
    image.events.push(...line.ev);
    image.buffered = line.buf;
    image.side = line.side;
  }

  const runs: Run[] = [];
  for (const image of order) {
    const run = new Run(image.ns, image.wid, image.rid);
    for (const encoded of image.events) {
      const event = decodeHistoryEvent(Buffer.from(encoded, 'base64'));
      run.history.append(event);
      run.apply(event);
    }
    for (const entry of image.buffered) {
      const event = decodeHistoryEvent(Buffer.from(entry.e, 'base64'));
      event.eventId = 0;
      run.history.buffer(event, entry.r);
      run.apply(event);
    }
    run.startRequestId = image.side.startRequestId;
    for (const id of image.side.requestIds) run.requestIds.add(id);
    run.stickyQueue = image.side.stickyQueue;
    run.stickyScheduleToStartMs = image.side.stickyScheduleToStartMs;
    for (const [id, side] of Object.entries(image.side.activities)) {
      const activity = run.activities.get(Number(id));
      if (activity) Object.assign(activity, decodeActivitySide(side));
    }
    run.journaledEventCount = run.history.events.length;
    engine.addRun(run);
    runs.push(run);
  }
  engine.removeExpiredRuns();
  // Start from a clean, compact file (this also drops a torn final line).
  await journal.compact(runs.filter((run) => engine.runs.has(run.key)));
  engine.journal = journal;
  for (const run of runs) if (run.isRunning) reactivate(engine, run);
  await engine.commit();
  engine.log('info', `recovered ${runs.length} runs (${runs.filter((run) => run.isRunning).length} open) from the journal`);
}

function reactivate(engine: Engine, run: Run): void {
  armRunTimeout(engine, run);
  armFirstTaskBackoff(engine, run);
  for (const timer of run.timers.values()) armTimer(engine, run, timer);
  for (const activity of run.activities.values()) {
    // A running attempt stays running: its worker may still answer, and if it is gone the
    // attempt's start-to-close or heartbeat timeout retries it, as on the real server.
    if (activity.phase === 'scheduled') {
      dispatchActivity(engine, run, activity);
    } else {
      // The worker could not heartbeat while the server was down: its heartbeat clock restarts now.
      if (activity.phase === 'started' && activity.heartbeatMs > 0) activity.lastHeartbeatTimeMs = Math.max(activity.lastHeartbeatTimeMs, engine.now());
      armActivityDeadline(engine, run, activity);
    }
  }
  const task = run.workflowTask;
  if (task?.started) {
    // Its worker's answer would hit a server that no longer knows the task: hand it out again.
    run.stickyQueue = '';
    engine.appendEvent(run, E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT, {
      scheduledEventId: task.scheduledEventId,
      startedEventId: task.startedEventId,
      timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE,
    });
    flushAndReschedule(engine, run, true);
  } else if (task) {
    offerWorkflowTask(engine, run, task.scheduledEventId);
  }
  for (const child of run.children.values()) if (!child.runId) engine.runSoon('restarting a child start', () => startChild(engine, run, child));
  for (const id of run.externalSignals.keys()) engine.runSoon('redelivering an external signal', () => deliverExternalSignal(engine, run, id));
  for (const id of run.externalCancels.keys()) engine.runSoon('redelivering an external cancel', () => deliverExternalCancel(engine, run, id));
}
