/**
 * Proto3 JSON, as Temporal's HTTP API (grpc-gateway over Go's protojson) writes and reads it:
 * lowerCamelCase field names, enums by name, 64-bit integers as decimal strings, bytes as base64,
 * Timestamp as RFC 3339, Duration as "1.5s", default values left out. Payloads are ordinary
 * messages here (metadata and data in base64), as the UI server's marshaler writes them.
 *
 * Works on protobufjs reflection, so every message of the API converts without per-type code.
 */
import { invalidArgument } from '../grpc/errors';
import type { Msg } from '../proto';

/** The parts of a protobufjs reflected field this module reads. */
export interface ReflectedField {
  name: string;
  type: string;
  repeated: boolean;
  map: boolean;
  keyType?: string;
  partOf: unknown;
  options?: Record<string, unknown>;
  resolve(): ReflectedField;
  resolvedType: ReflectedType | ReflectedEnum | null;
  hasPresence?: boolean;
}

export interface ReflectedType {
  fullName: string;
  fieldsArray: ReflectedField[];
  fields: Record<string, ReflectedField>;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): Msg;
  fromObject(object: Msg): Msg;
  root: { lookupType(name: string): ReflectedType };
}

export interface ReflectedEnum {
  values: Record<string, number>;
  valuesById: Record<number, string>;
}

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT_TYPES = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);
const FLOAT_TYPES = new Set(['double', 'float']);
const WRAPPERS = new Set(
  ['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map((name) => `.google.protobuf.${name}`),
);

function isEnum(resolved: unknown): resolved is ReflectedEnum {
  return !!resolved && typeof resolved === 'object' && 'valuesById' in resolved;
}

function resolvedField(field: ReflectedField): ReflectedField {
  if (!field.resolvedType && !isScalar(field.type)) field.resolve();
  return field;
}

function isScalar(type: string): boolean {
  return LONG_TYPES.has(type) || INT_TYPES.has(type) || FLOAT_TYPES.has(type) || type === 'bool' || type === 'string' || type === 'bytes';
}

// ---------- message → JSON ----------

/** A decoded message (protobufjs instance or plain object with Longs) as proto3 JSON. */
export function messageToJson(type: ReflectedType, message: Msg): unknown {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return timestampToJson(message);
    case '.google.protobuf.Duration':
      return durationToJson(message);
    case '.google.protobuf.FieldMask':
      return ((message.paths as string[] | undefined) ?? []).map(snakeToCamel).join(',');
    case '.google.protobuf.Empty':
      return {};
    case '.google.protobuf.Any':
      return anyToJson(type, message);
  }
  if (WRAPPERS.has(type.fullName)) return scalarToJson(resolvedField(type.fields.value), message.value ?? defaultScalar(type.fields.value.type));
  const json: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    // Decoded messages hold set fields as own properties; the prototype holds the defaults.
    if (!Object.prototype.hasOwnProperty.call(message, field.name)) continue;
    const value = message[field.name];
    if (value === undefined || value === null) continue;
    resolvedField(field);
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0) continue;
      json[field.name] = Object.fromEntries(entries.map(([key, item]) => [key, valueToJson(field, item)]));
    } else if (field.repeated) {
      if (!Array.isArray(value) || value.length === 0) continue;
      json[field.name] = value.map((item) => valueToJson(field, item));
    } else {
      // Message fields and oneof members have presence: written when set, even if empty.
      const hasPresence = !!field.partOf || (field.resolvedType && !isEnum(field.resolvedType));
      if (!hasPresence && isDefault(field, value)) continue;
      json[field.name] = valueToJson(field, value);
    }
  }
  return json;
}

function valueToJson(field: ReflectedField, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved && !isEnum(resolved)) return messageToJson(resolved, value as Msg);
  if (isEnum(resolved)) return resolved.valuesById[Number(value)] ?? Number(value);
  return scalarToJson(field, value);
}

function scalarToJson(field: ReflectedField, value: unknown): unknown {
  if (LONG_TYPES.has(field.type)) return String(value);
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (FLOAT_TYPES.has(field.type)) {
    const number = Number(value);
    if (Number.isNaN(number)) return 'NaN';
    if (!Number.isFinite(number)) return number > 0 ? 'Infinity' : '-Infinity';
    return number;
  }
  return value;
}

function defaultScalar(type: string): unknown {
  if (type === 'bool') return false;
  if (type === 'string') return '';
  if (type === 'bytes') return new Uint8Array(0);
  return 0;
}

function isDefault(field: ReflectedField, value: unknown): boolean {
  if (isEnum(field.resolvedType)) return Number(value) === 0;
  if (field.type === 'bytes') return (value as Uint8Array).length === 0;
  if (field.type === 'string') return value === '';
  if (field.type === 'bool') return value === false;
  return String(value) === '0';
}

function fraction(nanos: number): string {
  if (nanos === 0) return '';
  // protojson writes 3, 6 or 9 digits, whichever is the shortest exact one.
  const digits = String(nanos).padStart(9, '0');
  if (digits.endsWith('000000')) return `.${digits.slice(0, 3)}`;
  if (digits.endsWith('000')) return `.${digits.slice(0, 6)}`;
  return `.${digits}`;
}

function timestampToJson(message: Msg): string {
  const seconds = Number(String(message.seconds ?? 0));
  const nanos = Number(message.nanos ?? 0);
  const iso = new Date(seconds * 1000).toISOString(); // "2026-12-02T10:00:00.000Z"
  return `${iso.slice(0, 19)}${fraction(nanos)}Z`;
}

function durationToJson(message: Msg): string {
  const seconds = BigInt(String(message.seconds ?? 0));
  const nanos = Number(message.nanos ?? 0);
  const negative = seconds < 0n || nanos < 0;
  const whole = seconds < 0n ? -seconds : seconds;
  return `${negative ? '-' : ''}${whole}${fraction(Math.abs(nanos))}s`;
}

function anyToJson(type: ReflectedType, message: Msg): unknown {
  const typeUrl = String(message.type_url ?? message.typeUrl ?? '');
  const name = typeUrl.slice(typeUrl.lastIndexOf('/') + 1);
  let inner: ReflectedType;
  try {
    inner = type.root.lookupType(name);
  } catch {
    // An unknown type cannot be written as JSON; its bytes are still shown.
    return { '@type': typeUrl, value: Buffer.from((message.value as Uint8Array) ?? []).toString('base64') };
  }
  const decoded = inner.decode((message.value as Uint8Array) ?? new Uint8Array(0));
  const json = messageToJson(inner, decoded);
  if (json && typeof json === 'object' && !Array.isArray(json)) return { '@type': typeUrl, ...json };
  return { '@type': typeUrl, value: json };
}

// ---------- JSON → message ----------

export class JsonInputError extends Error {}

/**
 * Proto3 JSON (lowerCamelCase or the proto's snake_case names) → a plain object protobufjs's
 * `fromObject` takes. Unknown fields and enum names, and malformed values, are errors naming the
 * field, as protojson rejects them.
 */
export function jsonToObject(type: ReflectedType, json: unknown, path = ''): Msg | unknown {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return parseTimestamp(json, path);
    case '.google.protobuf.Duration':
      return parseDuration(json, path);
    case '.google.protobuf.FieldMask':
      if (typeof json !== 'string') throw new JsonInputError(`${path}: expected a comma-separated field mask`);
      return { paths: json ? json.split(',').map(camelToSnake) : [] };
    case '.google.protobuf.Any':
      return parseAny(type, json, path);
  }
  if (WRAPPERS.has(type.fullName)) return { value: scalarFromJson(resolvedField(type.fields.value), json, path) };
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new JsonInputError(`${path || 'body'}: expected an object`);
  const object: Msg = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const field = type.fields[snakeToCamel(key)];
    const fieldPath = path ? `${path}.${key}` : key;
    if (!field) throw new JsonInputError(`unknown field "${fieldPath}" in ${type.fullName.slice(1)}`);
    if (value === null) continue;
    resolvedField(field);
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) throw new JsonInputError(`${fieldPath}: expected an object`);
      object[field.name] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, valueFromJson(field, v, `${fieldPath}.${k}`)]));
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw new JsonInputError(`${fieldPath}: expected an array`);
      object[field.name] = value.map((item, index) => valueFromJson(field, item, `${fieldPath}[${index}]`));
    } else {
      object[field.name] = valueFromJson(field, value, fieldPath);
    }
  }
  return object;
}

function valueFromJson(field: ReflectedField, value: unknown, path: string): unknown {
  const resolved = field.resolvedType;
  if (resolved && !isEnum(resolved)) return jsonToObject(resolved, value, path);
  if (isEnum(resolved)) {
    if (typeof value === 'number' && Number.isInteger(value)) return value;
    if (typeof value === 'string' && value in resolved.values) return resolved.values[value];
    throw new JsonInputError(`${path}: unknown enum value ${JSON.stringify(value)}`);
  }
  return scalarFromJson(field, value, path);
}

function scalarFromJson(field: ReflectedField, value: unknown, path: string): unknown {
  const type = field.type;
  if (type === 'string') {
    if (typeof value !== 'string') throw new JsonInputError(`${path}: expected a string`);
    return value;
  }
  if (type === 'bool') {
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new JsonInputError(`${path}: expected true or false`);
  }
  if (type === 'bytes') {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw new JsonInputError(`${path}: expected base64`);
    return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  }
  if (LONG_TYPES.has(type)) {
    if ((typeof value === 'string' && /^-?\d+$/.test(value)) || (typeof value === 'number' && Number.isInteger(value))) return String(value);
    throw new JsonInputError(`${path}: expected an integer`);
  }
  if (INT_TYPES.has(type)) {
    const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) throw new JsonInputError(`${path}: expected an integer`);
    return number;
  }
  if (FLOAT_TYPES.has(type)) {
    if (typeof value === 'number') return value;
    if (typeof value === 'string' && value !== '' && !Number.isNaN(Number(value))) return Number(value);
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
    throw new JsonInputError(`${path}: expected a number`);
  }
  throw new JsonInputError(`${path}: unsupported field type ${type}`);
}

function parseTimestamp(json: unknown, path: string): Msg {
  const match = typeof json === 'string' ? /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/.exec(json) : null;
  const ms = match ? Date.parse(`${match[1]}${match[3]}`) : NaN;
  if (!match || Number.isNaN(ms)) throw new JsonInputError(`${path}: expected an RFC 3339 timestamp, got ${JSON.stringify(json)}`);
  const nanos = match[2] ? Number(match[2].slice(1).padEnd(9, '0')) : 0;
  return { seconds: String(Math.floor(ms / 1000)), nanos };
}

function parseDuration(json: unknown, path: string): Msg {
  const match = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!match) throw new JsonInputError(`${path}: expected a duration like "1.5s", got ${JSON.stringify(json)}`);
  const sign = match[1] ? -1 : 1;
  const nanos = match[3] ? Number(match[3].padEnd(9, '0')) : 0;
  return { seconds: String(sign * Number(match[2])), nanos: sign * nanos };
}

function parseAny(type: ReflectedType, json: unknown, path: string): Msg {
  const typeUrl = json && typeof json === 'object' ? (json as Record<string, unknown>)['@type'] : undefined;
  if (typeof typeUrl !== 'string') throw new JsonInputError(`${path}: an Any needs "@type"`);
  let inner: ReflectedType;
  try {
    inner = type.root.lookupType(typeUrl.slice(typeUrl.lastIndexOf('/') + 1));
  } catch {
    throw new JsonInputError(`${path}: unknown type ${typeUrl}`);
  }
  const { ['@type']: _ignored, ...rest } = json as Record<string, unknown>;
  const special = inner.fullName.startsWith('.google.protobuf.') && 'value' in rest;
  const object = jsonToObject(inner, special ? rest.value : rest, path);
  return { type_url: typeUrl, value: inner.encode(inner.fromObject(object as Msg)).finish() };
}

/**
 * Sets `value` (a query-string or path value) at a dotted field path of `object`, converting it
 * to the JSON form of the field it lands on (repeated fields collect every value).
 */
export function setFieldFromString(type: ReflectedType, object: Record<string, unknown>, fieldPath: string, value: string): void {
  const names = fieldPath.split('.');
  let currentType = type;
  let target = object;
  for (let index = 0; index < names.length; index++) {
    const field = currentType.fields[snakeToCamel(names[index])];
    if (!field) throw new JsonInputError(`unknown field "${fieldPath}" in ${type.fullName.slice(1)}`);
    resolvedField(field);
    const resolved = field.resolvedType;
    const last = index === names.length - 1;
    if (!last) {
      if (!resolved || isEnum(resolved) || field.repeated) throw new JsonInputError(`"${fieldPath}" does not name a field`);
      target = (target[field.name] ??= {}) as Record<string, unknown>;
      currentType = resolved;
      continue;
    }
    // Query values are strings; JSON wants numbers and booleans typed.
    let typed: unknown = value;
    if (!resolved && (INT_TYPES.has(field.type) || FLOAT_TYPES.has(field.type)) && value !== '' && !Number.isNaN(Number(value))) typed = Number(value);
    else if (!resolved && field.type === 'bool') typed = value === '' ? true : value;
    if (field.repeated) ((target[field.name] ??= []) as unknown[]).push(typed);
    else target[field.name] = typed;
  }
}

export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_m, letter: string) => letter.toUpperCase());
}

function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** An invalid JSON request becomes INVALID_ARGUMENT, like any malformed gRPC request. */
export function toInvalidArgument(error: unknown): unknown {
  return error instanceof JsonInputError ? invalidArgument(error.message) : error;
}
