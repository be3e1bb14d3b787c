/**
 * The schedules of a server: creates, finds and deletes them, and drives each one's state machine
 * with the engine's clock (one timer per schedule, at its next action time; a time-skipping server
 * skips to it like to any workflow timer), with the close of the workflows
 * it started (watched like a history long poll), and with the journal. Workflows are started,
 * cancelled and terminated through the engine's own lifecycle paths.
 */
import { randomUUID } from 'node:crypto';
import { Msg, WorkflowExecutionStatus as S, durationToMs, enums } from '../proto';
import type { ClockTimer } from '../engine/clock';
import type { Engine } from '../engine/engine';
import type { Run } from '../engine/run';
import { attributesOf } from '../engine/history';
import { requestCancelRun, startRun, terminateRun } from '../engine/lifecycle';
import { BufferedStart, RunningWorkflow, Schedule, ScheduleActions, WorkflowOutcome, scheduledTimeText } from './schedule';
import { ScheduleImage, scheduleFromImage, scheduleImage } from './image';

/** The journal's keyed records, as far as schedules use them. */
export interface ScheduleJournal {
  recordChanged(kind: string, key: string, image: (() => unknown) | null): void;
  recoveredRecords(kind: string): unknown[];
}

const RECORD_KIND = 'schedule';
/** Passes over a schedule's buffer per wake-up (each may start, or terminate to make room). */
const MAX_DRAIN_PASSES = 10;

function keyOf(namespace: string, scheduleId: string): string {
  return `${namespace}\u0000${scheduleId}`;
}

function stringPayload(value: string, type: string): Msg {
  return {
    metadata: { encoding: Buffer.from('json/plain'), type: Buffer.from(type) },
    data: Buffer.from(JSON.stringify(value)),
  };
}

export class ScheduleRegistry implements ScheduleActions {
  readonly schedules = new Map<string, Schedule>();
  private readonly timers = new Map<string, ClockTimer>();
  /** schedule key → run keys being watched for their close. */
  private readonly watching = new Map<string, Set<string>>();
  private stopped = false;

  constructor(
    private readonly engine: Engine,
    private readonly journal?: ScheduleJournal,
  ) {}

  /** Loads the journaled schedules and catches up on the time the server was down. */
  recover(): void {
    if (!this.journal) return;
    for (const image of this.journal.recoveredRecords(RECORD_KIND)) {
      const schedule = scheduleFromImage(image as ScheduleImage);
      this.schedules.set(keyOf(schedule.namespace, schedule.scheduleId), schedule);
    }
    for (const schedule of this.schedules.values()) this.pump(schedule);
    if (this.schedules.size > 0) this.engine.log('info', `recovered ${this.schedules.size} schedules from the journal`);
  }

  get(namespace: string, scheduleId: string): Schedule | undefined {
    return this.schedules.get(keyOf(namespace, scheduleId));
  }

  add(schedule: Schedule): void {
    this.schedules.set(keyOf(schedule.namespace, schedule.scheduleId), schedule);
  }

  remove(schedule: Schedule): void {
    const key = keyOf(schedule.namespace, schedule.scheduleId);
    this.schedules.delete(key);
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    this.watching.delete(key);
    this.journal?.recordChanged(RECORD_KIND, key, null);
  }

  /**
   * Runs a schedule's state machine up to now: buffer what fell due, start what the overlap
   * policy allows, then re-arm its timer and watchers and mark it for the journal.
   */
  pump(schedule: Schedule): void {
    if (this.stopped || this.get(schedule.namespace, schedule.scheduleId) !== schedule) return;
    schedule.advance(this.engine.now());
    for (let pass = 0; pass < MAX_DRAIN_PASSES && schedule.drainBuffer(this); pass++);
    this.armTimer(schedule);
    this.watchRunning(schedule);
    this.changed(schedule);
  }

  /** Marks a schedule for the next journal write. */
  changed(schedule: Schedule): void {
    this.journal?.recordChanged(RECORD_KIND, keyOf(schedule.namespace, schedule.scheduleId), () => scheduleImage(schedule));
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
    this.watching.clear();
  }

  private armTimer(schedule: Schedule): void {
    const key = keyOf(schedule.namespace, schedule.scheduleId);
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    const wakeMs = schedule.nextWakeMs();
    if (wakeMs === undefined) return;
    const timer = this.engine.clock.at(wakeMs, () => {
      this.timers.delete(key);
      this.runAndCommit('schedule wake-up', () => this.pump(schedule));
    });
    this.timers.set(key, timer);
  }

  /** Wakes the schedule when a workflow it started closes (the engine wakes history waiters on every change). */
  private watchRunning(schedule: Schedule): void {
    const key = keyOf(schedule.namespace, schedule.scheduleId);
    let watched = this.watching.get(key);
    if (!watched) {
      watched = new Set();
      this.watching.set(key, watched);
    }
    for (const workflow of schedule.info.runningWorkflows) {
      const run = this.currentRun(schedule.namespace, workflow);
      if (!run || !run.isRunning || watched.has(run.key)) continue;
      watched.add(run.key);
      const set = watched;
      const wake = () => {
        if (this.stopped) return;
        if (run.isRunning) {
          run.historyWaiters.add(wake);
          return;
        }
        set.delete(run.key);
        // Not inside the engine operation that closed the run: on the next turn.
        this.engine.runSoon('schedule after a workflow closed', () => this.pump(schedule));
      };
      run.historyWaiters.add(wake);
    }
  }

  private runAndCommit(what: string, work: () => void): void {
    if (this.stopped || this.engine.stopped) return;
    try {
      work();
    } catch (error) {
      this.engine.log('error', `${what} failed: ${(error as Error).stack ?? String(error)}`);
    }
    this.engine.commit().catch((error) => this.engine.log('error', `journal write failed: ${(error as Error).message}`));
  }

  /** The run now carrying a started workflow (after retries or continue-as-new), if the server still has it. */
  private currentRun(namespace: string, workflow: RunningWorkflow): Run | undefined {
    const latest = this.engine.latestRun(namespace, workflow.workflowId);
    if (latest && (latest.runId === workflow.runId || latest.firstExecutionRunId === workflow.runId)) return latest;
    return this.engine.getRun(namespace, workflow.workflowId, workflow.runId);
  }

  // ---- ScheduleActions -------------------------------------------------------------------

  now(): number {
    return this.engine.now();
  }

  startWorkflow(schedule: Schedule, workflowId: string, start: BufferedStart): RunningWorkflow {
    const action: Msg = schedule.schedule.action.startWorkflow;
    const existing = this.engine.latestRun(schedule.namespace, workflowId);
    // Scheduled starts reject duplicates, manual ones allow them once the earlier run closed.
    if (existing && (existing.isRunning || !start.manual)) {
      this.engine.log('warn', `schedule ${schedule.scheduleId}: workflow ${workflowId} already exists; action not taken`);
      throw new Error(`workflow ${workflowId} already exists`);
    }
    const overlapsAllowed = schedule.resolveOverlap(start.overlapPolicy) === enums.ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL;
    const run = startRun(this.engine, {
      namespace: schedule.namespace,
      workflowId,
      workflowType: action.workflowType?.name ?? '',
      taskQueue: action.taskQueue?.name ?? '',
      input: action.input,
      executionTimeoutMs: durationToMs(action.workflowExecutionTimeout),
      runTimeoutMs: durationToMs(action.workflowRunTimeout),
      taskTimeoutMs: durationToMs(action.workflowTaskTimeout),
      identity: `temporal-scheduler-${schedule.namespace}-${schedule.scheduleId}`,
      requestId: randomUUID(),
      memo: action.memo,
      searchAttributes: {
        indexedFields: {
          ...(action.searchAttributes?.indexedFields ?? {}),
          TemporalScheduledById: stringPayload(schedule.scheduleId, 'Keyword'),
          TemporalScheduledStartTime: stringPayload(scheduledTimeText(start.nominalMs), 'Datetime'),
        },
      },
      header: action.header,
      retryPolicy: action.retryPolicy,
      // Overlapping runs do not pass results along (as on the real server).
      lastCompletionResult: overlapsAllowed ? undefined : schedule.lastCompletionResult,
      continuedFailure: overlapsAllowed ? undefined : schedule.continuedFailure,
    });
    return { workflowId, runId: run.runId };
  }

  outcome(schedule: Schedule, workflow: RunningWorkflow): WorkflowOutcome {
    const run = this.currentRun(schedule.namespace, workflow);
    if (!run) return { running: false, status: S.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED };
    if (run.isRunning) return { running: true, status: run.status };
    const attributes = run.closeEvent ? attributesOf(run.closeEvent) : {};
    return { running: false, status: run.status, result: attributes.result, failure: attributes.failure };
  }

  cancel(schedule: Schedule, workflow: RunningWorkflow): void {
    const run = this.currentRun(schedule.namespace, workflow);
    if (run?.isRunning) requestCancelRun(this.engine, run, { reason: 'cancelled by schedule overlap policy', identity: `temporal-scheduler-${schedule.namespace}-${schedule.scheduleId}` });
  }

  terminate(schedule: Schedule, workflow: RunningWorkflow): void {
    const run = this.currentRun(schedule.namespace, workflow);
    if (run?.isRunning) terminateRun(this.engine, run, 'terminated by schedule overlap policy', undefined, `temporal-scheduler-${schedule.namespace}-${schedule.scheduleId}`);
  }
}
