/**
 * One schedule: a small state machine. Time passing (`advance`), patches (trigger, backfill, pause)
 * and updates add starts to its buffer; `drainBuffer` applies the overlap policy to the buffer
 * against the workflows it has running and asks its `ScheduleActions` to start, cancel or terminate
 * workflows. It never touches the engine itself: the registry (scheduler.ts) supplies the actions,
 * the clock and the journal.
 */
import { Msg, durationToMs, enums, msToDuration, msToTimestamp, timestampToMs } from '../proto';
import { CompiledSpec, NextTime } from './spec';

const Overlap = enums.ScheduleOverlapPolicy;
const Status = enums.WorkflowExecutionStatus;

/** Temporal's defaults: catch-up window one year (at least 10 s), ten recent actions and future times. */
export const DEFAULT_CATCHUP_WINDOW_MS = 365 * 86_400_000;
export const MIN_CATCHUP_WINDOW_MS = 10_000;
const RECENT_ACTIONS = 10;
export const FUTURE_ACTION_TIMES = 10;
const MAX_BUFFER = 1000;

export interface BufferedStart {
  nominalMs: number;
  actualMs: number;
  overlapPolicy: number;
  manual: boolean;
}

export interface RunningWorkflow {
  workflowId: string;
  runId: string;
}

/** What became of a workflow the schedule started. */
export interface WorkflowOutcome {
  running: boolean;
  status: number;
  result?: Msg;
  failure?: Msg;
}

/** What a schedule asks of the server. */
export interface ScheduleActions {
  /** The server's clock (virtual under time skipping). */
  now(): number;
  /** Starts the action's workflow; throws if it cannot (e.g. the id is taken). */
  startWorkflow(schedule: Schedule, workflowId: string, start: BufferedStart): RunningWorkflow;
  outcome(schedule: Schedule, workflow: RunningWorkflow): WorkflowOutcome;
  cancel(schedule: Schedule, workflow: RunningWorkflow): void;
  terminate(schedule: Schedule, workflow: RunningWorkflow): void;
}

export interface ScheduleInfoCounters {
  actionCount: number;
  missedCatchupWindow: number;
  overlapSkipped: number;
  bufferDropped: number;
  runningWorkflows: RunningWorkflow[];
  /** ScheduleActionResult messages, oldest first. */
  recentActions: Msg[];
  createTimeMs: number;
  updateTimeMs: number;
}

export interface ScheduleFields {
  namespace: string;
  scheduleId: string;
  /** temporal.api.schedule.v1.Schedule with a canonical spec and resolved policies. */
  schedule: Msg;
  memo?: Msg;
  searchAttributes?: Msg;
  info: ScheduleInfoCounters;
  lastProcessedMs: number;
  conflictToken: number;
  buffer: BufferedStart[];
  lastCompletionResult?: Msg;
  continuedFailure?: Msg;
  /** The CreateSchedule request id, so a retried create answers as the first did. */
  createRequestId?: string;
  /** Request ids of recent updates and patches, so a retried call is applied once. */
  requestIds?: string[];
}

/** How many update/patch request ids a schedule remembers. */
const REMEMBERED_REQUEST_IDS = 50;

/** Fills defaults the server shows on describe: overlap SKIP, the catch-up window, empty state. */
export function resolvePolicies(policies: Msg | null | undefined): Msg {
  const overlapPolicy = policies?.overlapPolicy || Overlap.SCHEDULE_OVERLAP_POLICY_SKIP;
  const window = policies?.catchupWindow ? Math.max(durationToMs(policies.catchupWindow), MIN_CATCHUP_WINDOW_MS) : DEFAULT_CATCHUP_WINDOW_MS;
  return { ...policies, overlapPolicy, catchupWindow: msToDuration(window) };
}

/** Temporal's scheduled workflow id suffix: the nominal time in RFC 3339, whole seconds, UTC. */
export function scheduledTimeText(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class Schedule implements ScheduleFields {
  namespace: string;
  scheduleId: string;
  schedule: Msg;
  memo?: Msg;
  searchAttributes?: Msg;
  info: ScheduleInfoCounters;
  lastProcessedMs: number;
  conflictToken: number;
  buffer: BufferedStart[];
  lastCompletionResult?: Msg;
  continuedFailure?: Msg;
  createRequestId?: string;
  requestIds: string[];
  spec: CompiledSpec;

  constructor(fields: ScheduleFields) {
    this.namespace = fields.namespace;
    this.scheduleId = fields.scheduleId;
    this.schedule = fields.schedule;
    this.memo = fields.memo;
    this.searchAttributes = fields.searchAttributes;
    this.info = fields.info;
    this.lastProcessedMs = fields.lastProcessedMs;
    this.conflictToken = fields.conflictToken;
    this.buffer = fields.buffer;
    this.lastCompletionResult = fields.lastCompletionResult;
    this.continuedFailure = fields.continuedFailure;
    this.createRequestId = fields.createRequestId;
    this.requestIds = fields.requestIds ?? [];
    this.spec = new CompiledSpec(this.schedule.spec);
  }

  get state(): Msg {
    return this.schedule.state;
  }

  get paused(): boolean {
    return this.state.paused === true;
  }

  get jitterSeed(): string {
    return `${this.namespace}\u0000${this.scheduleId}`;
  }

  get catchupWindowMs(): number {
    return durationToMs(this.schedule.policies.catchupWindow);
  }

  /** Records an update/patch request id; false if it was seen before (a retry to answer without applying). */
  firstSeen(requestId: string | undefined): boolean {
    if (!requestId) return true;
    if (this.requestIds.includes(requestId)) return false;
    this.requestIds.push(requestId);
    if (this.requestIds.length > REMEMBERED_REQUEST_IDS) this.requestIds.shift();
    return true;
  }

  nextTime(afterMs: number): NextTime | undefined {
    return this.spec.next(afterMs, this.jitterSeed);
  }

  resolveOverlap(policy: number | undefined): number {
    return policy || this.schedule.policies.overlapPolicy || Overlap.SCHEDULE_OVERLAP_POLICY_SKIP;
  }

  /** May a spec-driven action be taken now? Manual ones (trigger, backfill) always may. */
  canTakeScheduledAction(manual: boolean, decrement: boolean): boolean {
    if (manual) return true;
    if (this.paused) return false;
    if (!this.state.limitedActions) return true;
    if ((this.state.remainingActions ?? 0) > 0) {
      if (decrement) {
        this.state.remainingActions -= 1;
        this.conflictToken++;
      }
      return true;
    }
    return false;
  }

  /** When the schedule next needs to wake for its spec; undefined while it cannot act. */
  nextWakeMs(): number | undefined {
    if (!this.canTakeScheduledAction(false, false)) return undefined;
    return this.nextTime(this.lastProcessedMs)?.nextMs;
  }

  /** Buffers every action time in (start, end]; spec-driven ones past the catch-up window are counted as missed. */
  processTimeRange(startMs: number, endMs: number, overlapPolicy: number, manual: boolean): void {
    if (!manual && !this.canTakeScheduledAction(false, false)) return;
    const window = this.catchupWindowMs;
    for (let next = this.nextTime(startMs); next && next.nextMs <= endMs; next = this.nextTime(next.nextMs)) {
      // After an update, times before it belong to the old spec.
      if (!manual && next.nextMs < this.info.updateTimeMs) continue;
      if (!manual && endMs - next.nextMs > window) {
        this.info.missedCatchupWindow++;
        continue;
      }
      this.addStart(next.nominalMs, next.nextMs, overlapPolicy, manual);
    }
  }

  /** Time passed up to `nowMs`: buffer what fell due. */
  advance(nowMs: number): void {
    const from = this.lastProcessedMs;
    if (nowMs <= from) return;
    this.processTimeRange(from, nowMs, Overlap.SCHEDULE_OVERLAP_POLICY_UNSPECIFIED, false);
    this.lastProcessedMs = nowMs;
  }

  addStart(nominalMs: number, actualMs: number, overlapPolicy: number, manual: boolean): void {
    if (this.buffer.length >= MAX_BUFFER) {
      this.info.bufferDropped++;
      return;
    }
    this.buffer.push({ nominalMs, actualMs, overlapPolicy, manual });
  }

  /** Applies a SchedulePatch: trigger now, backfills (start time inclusive), pause/unpause with a note. */
  applyPatch(patch: Msg | null | undefined, nowMs: number): void {
    if (!patch) return;
    if (patch.triggerImmediately) {
      const at = timestampToMs(patch.triggerImmediately.scheduledTime) || nowMs;
      this.addStart(at, at, patch.triggerImmediately.overlapPolicy ?? 0, true);
    }
    for (const backfill of patch.backfillRequest ?? []) {
      this.processTimeRange(timestampToMs(backfill.startTime) - 1, timestampToMs(backfill.endTime), backfill.overlapPolicy ?? 0, true);
    }
    if (patch.pause) {
      this.state.paused = true;
      this.state.notes = patch.pause;
      this.conflictToken++;
    }
    if (patch.unpause) {
      this.state.paused = false;
      this.state.notes = patch.unpause;
      this.conflictToken++;
    }
  }

  /** Replaces spec, action, policies and state (not info); spec-driven times before now are not taken. */
  update(schedule: Msg, nowMs: number): void {
    this.schedule = schedule;
    this.spec = new CompiledSpec(schedule.spec);
    this.info.updateTimeMs = nowMs;
    this.lastProcessedMs = Math.max(this.lastProcessedMs, nowMs);
    this.conflictToken++;
  }

  /** Looks at the workflows it started: closed ones leave the running list (and may pause the schedule). */
  refreshRunning(actions: ScheduleActions): void {
    const stillRunning: RunningWorkflow[] = [];
    for (const workflow of this.info.runningWorkflows) {
      const outcome = actions.outcome(this, workflow);
      if (outcome.running) stillRunning.push(workflow);
      else this.workflowClosed(workflow, outcome);
    }
    this.info.runningWorkflows = stillRunning;
  }

  private workflowClosed(workflow: RunningWorkflow, outcome: WorkflowOutcome): void {
    const recent = this.info.recentActions.find((action) => action.startWorkflowResult?.workflowId === workflow.workflowId);
    if (recent) recent.startWorkflowStatus = outcome.status;
    const failed = outcome.status === Status.WORKFLOW_EXECUTION_STATUS_FAILED || outcome.status === Status.WORKFLOW_EXECUTION_STATUS_TIMED_OUT;
    if (this.schedule.policies.pauseOnFailure && failed && !this.paused) {
      this.state.paused = true;
      this.state.notes =
        outcome.status === Status.WORKFLOW_EXECUTION_STATUS_FAILED
          ? `paused due to workflow failure: ${workflow.workflowId}: ${outcome.failure?.message ?? ''}`
          : `paused due to workflow timeout: ${workflow.workflowId}`;
      this.conflictToken++;
    }
    if (outcome.result) {
      this.lastCompletionResult = outcome.result;
      this.continuedFailure = undefined;
    } else if (outcome.failure) {
      this.continuedFailure = outcome.failure;
    }
  }

  /**
   * Starts what the overlap policies allow now. Returns true when another pass may start more
   * (a terminated workflow made room, or a start failed).
   */
  drainBuffer(actions: ScheduleActions): boolean {
    this.refreshRunning(actions);
    if (!this.schedule.action?.startWorkflow || this.buffer.length === 0) {
      this.buffer = [];
      return false;
    }
    let busy = this.info.runningWorkflows.length > 0;
    const kept: BufferedStart[] = [];
    const overlapping: BufferedStart[] = [];
    let exclusive: BufferedStart | undefined;
    let cancelOthers = false;
    let terminateOthers = false;
    for (const start of this.buffer) {
      const policy = this.resolveOverlap(start.overlapPolicy);
      if (policy === Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL) {
        overlapping.push(start);
        continue;
      }
      if (!busy) {
        exclusive = start;
        busy = true;
        continue;
      }
      switch (policy) {
        case Overlap.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE:
          if (kept.some((other) => this.resolveOverlap(other.overlapPolicy) === Overlap.SCHEDULE_OVERLAP_POLICY_BUFFER_ONE)) this.info.overlapSkipped++;
          else kept.push(start);
          break;
        case Overlap.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL:
          kept.push(start);
          break;
        case Overlap.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER:
        case Overlap.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER: {
          // Only the latest replacement waits; earlier ones it supersedes count as skipped.
          const superseded = kept.filter((other) => this.resolveOverlap(other.overlapPolicy) === policy).length;
          this.info.overlapSkipped += superseded;
          const rest = kept.filter((other) => this.resolveOverlap(other.overlapPolicy) !== policy);
          kept.length = 0;
          kept.push(...rest, start);
          if (policy === Overlap.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER) cancelOthers = true;
          else terminateOthers = true;
          break;
        }
        default:
          this.info.overlapSkipped++;
      }
    }
    this.buffer = kept;
    let again = false;
    const toStart = exclusive ? [...overlapping, exclusive] : overlapping;
    for (const start of toStart) {
      if (!this.canTakeScheduledAction(start.manual, true)) continue;
      const baseId: string = this.schedule.action.startWorkflow.workflowId;
      const workflowId = this.schedule.policies.keepOriginalWorkflowId ? baseId : `${baseId}-${scheduledTimeText(start.nominalMs)}`;
      let started: RunningWorkflow;
      try {
        started = actions.startWorkflow(this, workflowId, start);
      } catch {
        again = this.buffer.length > 0;
        continue;
      }
      this.recordAction(start, started, start === exclusive, actions.now());
    }
    if (terminateOthers || cancelOthers) {
      for (const workflow of [...this.info.runningWorkflows]) {
        if (terminateOthers) actions.terminate(this, workflow);
        else actions.cancel(this, workflow);
      }
      if (terminateOthers) again = true;
    }
    return again;
  }

  private recordAction(start: BufferedStart, started: RunningWorkflow, exclusive: boolean, nowMs: number): void {
    this.info.actionCount++;
    this.info.recentActions.push({
      scheduleTime: msToTimestamp(start.actualMs),
      actualTime: msToTimestamp(nowMs),
      startWorkflowResult: { workflowId: started.workflowId, runId: started.runId },
      startWorkflowStatus: Status.WORKFLOW_EXECUTION_STATUS_RUNNING,
    });
    if (this.info.recentActions.length > RECENT_ACTIONS) this.info.recentActions.splice(0, this.info.recentActions.length - RECENT_ACTIONS);
    // Workflows allowed to overlap are not tracked as running (as on the real server).
    if (exclusive) this.info.runningWorkflows.push(started);
  }

  /** The next `count` action times after the last processed time, within the remaining actions. */
  futureActionTimes(count: number): number[] {
    let limit = count;
    if (this.state.limitedActions) limit = Math.min(limit, Math.max(0, this.state.remainingActions ?? 0));
    const times: number[] = [];
    let after = this.lastProcessedMs;
    for (let guard = 0; times.length < limit && guard < 10_000; guard++) {
      const next = this.nextTime(after);
      if (!next) break;
      after = next.nextMs;
      if (next.nextMs < this.info.updateTimeMs) continue;
      times.push(next.nextMs);
    }
    return times;
  }
}
