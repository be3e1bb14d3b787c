/**
 * Schedule RPCs: create, describe, update (with conflict token), patch (trigger, backfill,
 * pause/unpause), delete, list (with a visibility query), count and matching times. Errors are
 * the codes the SDK maps: ALREADY_EXISTS → ScheduleAlreadyRunning, NOT_FOUND → ScheduleNotFoundError,
 * INVALID_ARGUMENT "Invalid schedule spec: …" → TypeError.
 */
import { status } from '@grpc/grpc-js';
import type { Engine } from '../engine/engine';
import { RpcError, failedPrecondition, invalidArgument, notFound } from '../grpc/errors';
import type { UnaryHandler } from '../grpc/service';
import { Msg, WorkflowExecutionStatus as S, msToTimestamp, timestampToMs } from '../proto';
import { FUTURE_ACTION_TIMES, Schedule, resolvePolicies } from '../schedules/schedule';
import type { ScheduleRegistry } from '../schedules/scheduler';
import { SpecError, canonicalizeSpec } from '../schedules/spec';
import type { VisibilityRecord } from '../visibility/record';
import { CompiledVisibilityQuery, VisibilityQueryError, compileVisibilityQuery } from '../visibility/query';
import { requireField } from './validate';

const LIST_RECENT_ACTIONS = 5;
const LIST_FUTURE_TIMES = 5;
const MAX_MATCHING_TIMES = 1000;

function conflictTokenBytes(token: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigInt64BE(BigInt(token));
  return bytes;
}

function conflictTokenOf(bytes: Uint8Array | undefined): number | undefined {
  if (!bytes || bytes.length === 0) return undefined;
  if (bytes.length !== 8) throw invalidArgument('ConflictToken is malformed');
  return Number(Buffer.from(bytes).readBigInt64BE());
}

/** Spec canonicalised and action and policies checked, as the server stores a schedule. */
function checkedSchedule(input: Msg | null | undefined): Msg {
  let spec: Msg;
  try {
    spec = canonicalizeSpec(input?.spec);
  } catch (error) {
    if (error instanceof SpecError) throw invalidArgument(`Invalid schedule spec: ${error.message}`);
    throw error;
  }
  const start = input?.action?.startWorkflow;
  if (!start) throw invalidArgument('Schedule.Action.StartWorkflow is not set on the request');
  requireField(start.workflowId, 'Schedule.Action.StartWorkflow.WorkflowId');
  requireField(start.workflowType?.name, 'Schedule.Action.StartWorkflow.WorkflowType');
  requireField(start.taskQueue?.name, 'Schedule.Action.StartWorkflow.TaskQueue');
  if (start.cronSchedule) throw invalidArgument('Schedule.Action.StartWorkflow.CronSchedule cannot be set on a scheduled workflow');
  const state: Msg = { ...(input?.state ?? {}) };
  if (state.limitedActions && (state.remainingActions ?? 0) < 0) throw invalidArgument('Schedule.State.RemainingActions cannot be negative');
  return { spec, action: input!.action, policies: resolvePolicies(input?.policies), state };
}

function decodedAttributes(fields: Msg | undefined): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(fields ?? {})) {
    try {
      const value = JSON.parse(Buffer.from((payload as Msg).data ?? []).toString('utf8'));
      if (value !== null && value !== undefined) values[name] = value;
    } catch {
      // Not JSON: not filterable.
    }
  }
  return values;
}

/** What a ListSchedules query filters on: the schedule's own search attributes, ScheduleId, TemporalSchedulePaused. */
function visibilityRecordOf(schedule: Schedule): VisibilityRecord {
  return {
    namespace: schedule.namespace,
    workflowId: schedule.scheduleId,
    runId: '',
    workflowType: 'temporal-sys-scheduler-workflow',
    taskQueue: '',
    status: S.WORKFLOW_EXECUTION_STATUS_RUNNING,
    startTime: schedule.info.createTimeMs,
    executionTime: schedule.info.createTimeMs,
    historyLength: 0,
    searchAttributes: {
      ...decodedAttributes(schedule.searchAttributes?.indexedFields),
      ScheduleId: schedule.scheduleId,
      TemporalSchedulePaused: schedule.paused,
    },
  };
}

function compileQuery(query: string): CompiledVisibilityQuery {
  try {
    return compileVisibilityQuery(query);
  } catch (error) {
    if (error instanceof VisibilityQueryError) throw invalidArgument(`invalid visibility query: ${error.message}`);
    throw error;
  }
}

function describeInfo(schedule: Schedule): Msg {
  const { info } = schedule;
  return {
    actionCount: info.actionCount,
    missedCatchupWindow: info.missedCatchupWindow,
    overlapSkipped: info.overlapSkipped,
    bufferDropped: info.bufferDropped,
    bufferSize: schedule.buffer.length,
    runningWorkflows: info.runningWorkflows.map((workflow) => ({ workflowId: workflow.workflowId, runId: workflow.runId })),
    recentActions: info.recentActions,
    futureActionTimes: schedule.futureActionTimes(FUTURE_ACTION_TIMES).map(msToTimestamp),
    createTime: msToTimestamp(info.createTimeMs),
    updateTime: info.updateTimeMs ? msToTimestamp(info.updateTimeMs) : undefined,
  };
}

function listEntry(schedule: Schedule): Msg {
  const { spec, action, state } = schedule.schedule;
  return {
    scheduleId: schedule.scheduleId,
    memo: schedule.memo,
    searchAttributes: schedule.searchAttributes,
    info: {
      spec: { ...spec, timezoneData: undefined },
      workflowType: action.startWorkflow?.workflowType,
      notes: state.notes,
      paused: state.paused,
      recentActions: schedule.info.recentActions.slice(-LIST_RECENT_ACTIONS),
      futureActionTimes: schedule.futureActionTimes(LIST_FUTURE_TIMES).map(msToTimestamp),
    },
  };
}

export function scheduleHandlers(engine: Engine, registry: ScheduleRegistry): Record<string, UnaryHandler> {
  const find = (request: Msg): Schedule => {
    const namespace = requireField(request.namespace, 'Namespace');
    engine.requireNamespace(namespace);
    const scheduleId = requireField(request.scheduleId, 'ScheduleId');
    const schedule = registry.get(namespace, scheduleId);
    if (!schedule) throw notFound(`schedule "${scheduleId}" not found in namespace "${namespace}"`);
    return schedule;
  };

  const matching = (namespace: string, query: string | undefined): Schedule[] => {
    const compiled = query ? compileQuery(query) : undefined;
    const found = [...registry.schedules.values()].filter((schedule) => schedule.namespace === namespace);
    return compiled ? found.filter((schedule) => compiled.matches(visibilityRecordOf(schedule))) : found;
  };

  return {
    async CreateSchedule(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const scheduleId = requireField(request.scheduleId, 'ScheduleId');
      const existing = registry.get(namespace, scheduleId);
      // A retried create (same request id) answers as the first one did.
      if (existing && request.requestId && existing.createRequestId === request.requestId) return { conflictToken: conflictTokenBytes(existing.conflictToken) };
      if (existing) throw new RpcError(status.ALREADY_EXISTS, `schedule "${scheduleId}" is already registered`);
      const now = engine.now();
      const schedule = new Schedule({
        namespace,
        scheduleId,
        schedule: checkedSchedule(request.schedule),
        memo: request.memo,
        searchAttributes: request.searchAttributes,
        info: { actionCount: 0, missedCatchupWindow: 0, overlapSkipped: 0, bufferDropped: 0, runningWorkflows: [], recentActions: [], createTimeMs: now, updateTimeMs: 0 },
        lastProcessedMs: now,
        conflictToken: 1,
        buffer: [],
        createRequestId: request.requestId || undefined,
      });
      schedule.applyPatch(request.initialPatch, now);
      registry.add(schedule);
      registry.pump(schedule);
      await engine.commit();
      return { conflictToken: conflictTokenBytes(schedule.conflictToken) };
    },

    DescribeSchedule(request) {
      const schedule = find(request);
      return {
        schedule: schedule.schedule,
        info: describeInfo(schedule),
        memo: schedule.memo,
        searchAttributes: schedule.searchAttributes,
        conflictToken: conflictTokenBytes(schedule.conflictToken),
      };
    },

    async UpdateSchedule(request) {
      const schedule = find(request);
      const token = conflictTokenOf(request.conflictToken);
      if (token !== undefined && token !== schedule.conflictToken) throw failedPrecondition('mismatched conflict token');
      const updated = checkedSchedule(request.schedule);
      if (!schedule.firstSeen(request.requestId)) return {};
      const now = engine.now();
      // What fell due under the old spec is taken first, as the server processes time before an update.
      schedule.advance(now);
      schedule.update(updated, now);
      if (request.searchAttributes) schedule.searchAttributes = request.searchAttributes;
      if (request.memo) schedule.memo = request.memo;
      registry.pump(schedule);
      await engine.commit();
      return {};
    },

    async PatchSchedule(request) {
      const schedule = find(request);
      const patch = request.patch ?? {};
      if (patch.pause && patch.unpause) throw invalidArgument('Patch cannot both pause and unpause');
      // A retried patch (same request id) must not trigger or backfill twice.
      if (!schedule.firstSeen(request.requestId)) return {};
      const now = engine.now();
      // Time up to now is processed under the old state: a paused stretch stays skipped after unpausing.
      schedule.advance(now);
      schedule.applyPatch(patch, now);
      registry.pump(schedule);
      await engine.commit();
      return {};
    },

    async DeleteSchedule(request) {
      const schedule = find(request);
      registry.remove(schedule);
      await engine.commit();
      return {};
    },

    ListSchedules(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      const found = matching(namespace, request.query).sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
      const pageSize = request.maximumPageSize > 0 ? request.maximumPageSize : 1000;
      const start = request.nextPageToken?.length ? Number(Buffer.from(request.nextPageToken).toString('utf8')) : 0;
      if (!Number.isInteger(start) || start < 0) throw invalidArgument('NextPageToken is malformed');
      return {
        schedules: found.slice(start, start + pageSize).map(listEntry),
        nextPageToken: start + pageSize < found.length ? Buffer.from(String(start + pageSize)) : undefined,
      };
    },

    CountSchedules(request) {
      const namespace = requireField(request.namespace, 'Namespace');
      engine.requireNamespace(namespace);
      return { count: matching(namespace, request.query).length };
    },

    ListScheduleMatchingTimes(request) {
      const schedule = find(request);
      if (!request.startTime || !request.endTime) throw invalidArgument('missing or invalid query');
      const endMs = timestampToMs(request.endTime);
      const times: Msg[] = [];
      let after = timestampToMs(request.startTime);
      while (times.length < MAX_MATCHING_TIMES) {
        const next = schedule.nextTime(after);
        if (!next || next.nextMs > endMs) break;
        times.push(msToTimestamp(next.nextMs));
        after = next.nextMs;
      }
      return { startTime: times };
    },
  };
}
