import { COPY_NULL, copyText } from './copy-text';
import type { FieldRule, ReasonKind } from './rules';

/** A valid row as COPY text columns (without provenance), or why the row is rejected. */
export type Validation = { ok: true; columns: string } | { ok: false; kind: ReasonKind; reason: string };

/** The staging columns are BIGINT: integers beyond its range are rejected rather than failing COPY. */
const INT64_LIMIT = 9223372036854775808;

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function reject(kind: ReasonKind, reason: string): Validation {
  return { ok: false, kind, reason };
}

/**
 * Checks one parsed value against the rules, field by field in rule order (the first broken rule
 * is reported), rendering the COPY text columns in the same pass. Plain property reads equal own
 * property reads here: no rule names a property of Object.prototype.
 */
export function validateObject(value: unknown, fields: readonly FieldRule[]): Validation {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return reject('not-object', `expected a JSON object, got ${jsonType(value)}`);
  }
  const record = value as Record<string, unknown>;
  let columns = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const v = record[field.name];
    let text: string;
    if (v === undefined || v === null) {
      if (field.required) {
        return reject('missing-field', `field "${field.name}": required, ${v === null ? 'got null' : 'missing'}`);
      }
      text = COPY_NULL;
    } else if (field.type === 'string') {
      if (typeof v !== 'string') return reject('wrong-type', `field "${field.name}": expected string, got ${jsonType(v)}`);
      if (v.includes('\u0000')) {
        return reject('wrong-type', `field "${field.name}": expected string without NUL characters, got one with \\u0000`);
      }
      text = copyText(v);
    } else if (field.type === 'integer') {
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        return reject('wrong-type', `field "${field.name}": expected integer, got ${jsonType(v)}`);
      }
      if (Number.isSafeInteger(v)) text = String(v);
      else if (Math.abs(v) < INT64_LIMIT) text = BigInt(v).toString();
      else return reject('wrong-type', `field "${field.name}": expected integer within the 64-bit range, got ${v}`);
    } else {
      if (typeof v !== 'number') return reject('wrong-type', `field "${field.name}": expected number, got ${jsonType(v)}`);
      text = String(v);
    }
    columns = i === 0 ? text : columns + '\t' + text;
  }
  return { ok: true, columns };
}

/** Parses one input row's text and validates it. */
export function validateText(text: string, fields: readonly FieldRule[]): Validation {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return reject('invalid-json', `invalid JSON: ${(err as Error).message}`);
  }
  return validateObject(parsed, fields);
}
