/**
 * Access to the Temporal API messages shipped by @temporalio/proto, plus the few conversions the
 * engine needs between protobuf well-known types and plain milliseconds.
 *
 * Messages travel through the engine as protobufjs plain objects (int64 as JS numbers, enums as
 * numbers, bytes as Uint8Array). protobufjs validates their shape when they are encoded, so the
 * engine types them loosely as `Msg` instead of fighting the generated `Long`-only declarations.
 */
import { temporal, google, grpc } from '@temporalio/proto';

export { temporal, google, grpc };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Msg = { [field: string]: any };

export const enums = temporal.api.enums.v1;
export const EventType = enums.EventType;
export const CommandType = enums.CommandType;
export const WorkflowExecutionStatus = enums.WorkflowExecutionStatus;
export const TimeoutType = enums.TimeoutType;
export const RetryState = enums.RetryState;
export const WorkflowTaskFailedCause = enums.WorkflowTaskFailedCause;
export const TaskQueueKind = enums.TaskQueueKind;

/** Anything protobufjs may hand us for an int64: number, Long, or a decimal string. */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (typeof value === 'object' && 'toNumber' in (value as object)) {
    return (value as { toNumber(): number }).toNumber();
  }
  return Number(value);
}

/** google.protobuf.Duration → milliseconds; absent or zero → 0. */
export function durationToMs(duration: Msg | null | undefined): number {
  if (!duration) return 0;
  return toNumber(duration.seconds) * 1000 + Math.floor(toNumber(duration.nanos) / 1e6);
}

export function msToDuration(ms: number): Msg {
  const whole = Math.floor(ms / 1000);
  return { seconds: whole, nanos: Math.round((ms - whole * 1000) * 1e6) };
}

export function msToTimestamp(ms: number): Msg {
  const whole = Math.floor(ms / 1000);
  return { seconds: whole, nanos: Math.round((ms - whole * 1000) * 1e6) };
}

export function timestampToMs(timestamp: Msg | null | undefined): number {
  if (!timestamp) return 0;
  return toNumber(timestamp.seconds) * 1000 + Math.floor(toNumber(timestamp.nanos) / 1e6);
}

/** protobufjs's Writer, as the generated `encode` returns it. */
interface Writer {
  uint32(value: number): Writer;
  bytes(value: Uint8Array): Writer;
  fork(): Writer;
  ldelim(): Writer;
  finish(): Uint8Array;
}

type MessageType = {
  encode(message: Msg): Writer;
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options?: Record<string, unknown>): Msg;
};

/** Options that turn decoded messages into plain engine objects. */
const plainOptions = { longs: Number, enums: Number, bytes: Buffer, defaults: false, arrays: false };

export function decodePlain(type: MessageType, bytes: Uint8Array): Msg {
  return type.toObject(type.decode(bytes), plainOptions);
}

/**
 * Encoded bytes of appended history events, made once per event: a history goes out many times
 * (full-history polls, GetWorkflowExecutionHistory pages, the journal), and an appended event never
 * changes. Buffered events (id 0) are not cached: flushing gives them their ids.
 */
const encodedEvents = new WeakMap<Msg, Buffer>();

export function encodeHistoryEvent(event: Msg): Buffer {
  let bytes = encodedEvents.get(event);
  if (bytes) return bytes;
  bytes = asBuffer(temporal.api.history.v1.HistoryEvent.encode(event).finish());
  if (event.eventId > 0) encodedEvents.set(event, bytes);
  return bytes;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

type ReflectedType = MessageType & { fields?: Record<string, { id: number; type: string }> };
const historyFieldIds = new WeakMap<MessageType, number>();

/** Field number of a `temporal.api.history.v1.History history` field of `type`, or 0. */
function historyFieldId(type: ReflectedType): number {
  let id = historyFieldIds.get(type);
  if (id === undefined) {
    const field = type.fields?.history;
    id = field && /(^|\.)temporal\.api\.history\.v1\.History$/.test(field.type) ? field.id : 0;
    historyFieldIds.set(type, id);
  }
  return id;
}

/**
 * Encodes a response; a `history` of events is written from each event's cached bytes instead of
 * being encoded again. Protobuf takes fields in any order, so the history goes last.
 */
export function encodeMessage(type: MessageType, message: Msg): Uint8Array {
  const fieldId = historyFieldId(type as ReflectedType);
  const events: Msg[] | undefined = message.history?.events;
  if (fieldId === 0 || !Array.isArray(events) || events.length === 0) return type.encode(message).finish();
  const writer = type.encode({ ...message, history: undefined });
  writer.uint32((fieldId << 3) | 2).fork();
  // History.events is field 1, length-delimited: tag 0x0a, then each event's length and bytes.
  for (const event of events) writer.uint32(0x0a).bytes(encodeHistoryEvent(event));
  return writer.ldelim().finish();
}

export function decodeHistoryEvent(bytes: Uint8Array): Msg {
  return decodePlain(temporal.api.history.v1.HistoryEvent as unknown as MessageType, bytes);
}

export type { MessageType };
