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

type MessageType = {
  encode(message: Msg): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options?: Record<string, unknown>): Msg;
};

/** Options that turn decoded messages into plain engine objects. */
const plainOptions = { longs: Number, enums: Number, bytes: Buffer, defaults: false, arrays: false };

export function decodePlain(type: MessageType, bytes: Uint8Array): Msg {
  return type.toObject(type.decode(bytes), plainOptions);
}

export function encodeHistoryEvent(event: Msg): Buffer {
  return Buffer.from(temporal.api.history.v1.HistoryEvent.encode(event).finish());
}

export function decodeHistoryEvent(bytes: Uint8Array): Msg {
  return decodePlain(temporal.api.history.v1.HistoryEvent as unknown as MessageType, bytes);
}

export type { MessageType };
