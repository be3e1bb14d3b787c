/** A schedule as a JSON journal image: message-typed fields as base64 protobuf, the rest as numbers. */
import { MessageType, Msg, decodePlain, temporal } from '../proto';
import { BufferedStart, RunningWorkflow, Schedule, ScheduleFields } from './schedule';

export interface ScheduleImage {
  ns: string;
  id: string;
  schedule: string;
  memo?: string;
  searchAttributes?: string;
  info: {
    actionCount: number;
    missedCatchupWindow: number;
    overlapSkipped: number;
    bufferDropped: number;
    runningWorkflows: RunningWorkflow[];
    recentActions: string[];
    createTimeMs: number;
    updateTimeMs: number;
  };
  lastProcessedMs: number;
  conflictToken: number;
  buffer: BufferedStart[];
  lastCompletionResult?: string;
  continuedFailure?: string;
  createRequestId?: string;
  requestIds?: string[];
}

const types = {
  schedule: temporal.api.schedule.v1.Schedule,
  memo: temporal.api.common.v1.Memo,
  searchAttributes: temporal.api.common.v1.SearchAttributes,
  actionResult: temporal.api.schedule.v1.ScheduleActionResult,
  payloads: temporal.api.common.v1.Payloads,
  failure: temporal.api.failure.v1.Failure,
} as unknown as Record<string, MessageType>;

function encode(type: MessageType, message: Msg): string {
  return Buffer.from(type.encode(message).finish()).toString('base64');
}

function decode(type: MessageType, text: string): Msg {
  return decodePlain(type, Buffer.from(text, 'base64'));
}

function optional(type: MessageType, message: Msg | undefined): string | undefined {
  return message ? encode(type, message) : undefined;
}

export function scheduleImage(schedule: Schedule): ScheduleImage {
  return {
    ns: schedule.namespace,
    id: schedule.scheduleId,
    schedule: encode(types.schedule, schedule.schedule),
    memo: optional(types.memo, schedule.memo),
    searchAttributes: optional(types.searchAttributes, schedule.searchAttributes),
    info: { ...schedule.info, recentActions: schedule.info.recentActions.map((action) => encode(types.actionResult, action)) },
    lastProcessedMs: schedule.lastProcessedMs,
    conflictToken: schedule.conflictToken,
    buffer: schedule.buffer,
    lastCompletionResult: optional(types.payloads, schedule.lastCompletionResult),
    continuedFailure: optional(types.failure, schedule.continuedFailure),
    createRequestId: schedule.createRequestId,
    requestIds: schedule.requestIds,
  };
}

export function scheduleFromImage(image: ScheduleImage): Schedule {
  const schedule = decode(types.schedule, image.schedule);
  // protobufjs leaves empty messages out; the entity relies on these being present.
  schedule.spec ??= {};
  schedule.policies ??= {};
  schedule.state ??= {};
  const fields: ScheduleFields = {
    namespace: image.ns,
    scheduleId: image.id,
    schedule,
    memo: image.memo ? decode(types.memo, image.memo) : undefined,
    searchAttributes: image.searchAttributes ? decode(types.searchAttributes, image.searchAttributes) : undefined,
    info: { ...image.info, recentActions: image.info.recentActions.map((text) => decode(types.actionResult, text)) },
    lastProcessedMs: image.lastProcessedMs,
    conflictToken: image.conflictToken,
    buffer: image.buffer,
    lastCompletionResult: image.lastCompletionResult ? decode(types.payloads, image.lastCompletionResult) : undefined,
    continuedFailure: image.continuedFailure ? decode(types.failure, image.continuedFailure) : undefined,
    createRequestId: image.createRequestId,
    requestIds: image.requestIds,
  };
  return new Schedule(fields);
}
