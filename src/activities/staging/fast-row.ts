import { COPY_NULL, copyText } from './copy-text';
import type { FieldRule } from './rules';

/**
 * A fast path for the common row: exactly `{"k1":v1,...,"kn":vn}` with every rule's key once, in
 * rule order, no whitespace, and values that are null, numbers, or strings without \u escapes.
 * One compiled regular expression checks that shape (in native code, several times faster than
 * JSON.parse plus validation) and captures the values. It never rejects: any other line, or one
 * that breaks a rule (a required null, a string where a number belongs, an unsafe integer),
 * returns undefined and the caller takes the JSON.parse path, which decides and words the
 * rejection. So it accepts only what JSON.parse + validateObject accept, rendered identically.
 */

/** A JSON string without \u escapes or control characters (bytes >= 0x80 are UTF-8 of a byte string). */
const STRING = '"(?:[^"\\\\\\x00-\\x1f]|\\\\["\\\\/bfnrt])*"';
/** A JSON number, in JSON's strict grammar. */
const NUMBER = '-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?';


const shapes = new WeakMap<readonly FieldRule[], RegExp>();

function shapeOf(fields: readonly FieldRule[]): RegExp {
  let shape = shapes.get(fields);
  if (!shape) {
    const members = fields.map((f) => `${JSON.stringify(f.name)}:(null|${f.type === 'string' ? STRING : NUMBER})`);
    shape = new RegExp(`^\\{${members.join(',')}\\}$`);
    shapes.set(fields, shape);
  }
  return shape;
}

/** COPY text of a captured JSON string (quotes included). */
function stringColumn(json: string): string {
  const body = json.slice(1, -1);
  // Unescaped, the body has no backslash, tab, newline or CR: nothing to escape for COPY.
  if (!body.includes('\\')) return body;
  // A valid JSON string literal (the shape saw to it): native decoding beats a replace callback.
  return copyText(JSON.parse(json) as string);
}

/**
 * A JSON number's COPY text is its own text when it is already what String(Number(text)) gives:
 * no leading zero, no exponent, a fraction (if any) not ending in 0, and at most 15 significant
 * digits, which a double keeps exactly, so the shortest round trip prints the same digits.
 */
const CANONICAL_NUMBER = /^-?[1-9][0-9]*(?:\.[0-9]*[1-9])?$/;
const MAX_EXACT_DIGITS = 15;

export function numberColumn(json: string, integer: boolean): string | undefined {
  const digits = json.length - (json.charCodeAt(0) === 0x2d ? 1 : 0) - (json.includes('.') ? 1 : 0);
  if (digits <= MAX_EXACT_DIGITS && CANONICAL_NUMBER.test(json)) {
    // A canonical integer field has no fraction; one with a fraction is not an integer: JSON.parse path.
    return integer && json.includes('.') ? undefined : json;
  }
  const n = Number(json);
  if (integer && !Number.isSafeInteger(n)) return undefined;
  return String(n);
}

/**
 * Longer rows skip the expression: V8 backtracks through a repeated group recursively, so a
 * string value of a few megabytes overflows the stack (RangeError); JSON.parse has no such limit.
 */
const FAST_PATH_MAX_CHARS = 64 * 1024;

/** The COPY columns of a valid row of the common shape, or undefined when the JSON.parse path must decide. */
export function fastColumns(line: string, fields: readonly FieldRule[]): string | undefined {
  if (line.length > FAST_PATH_MAX_CHARS) return undefined;
  const match = shapeOf(fields).exec(line);
  if (match === null) return undefined;
  let columns = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    const value = match[i + 1];
    let text: string | undefined;
    if (value === 'null') {
      if (field.required) return undefined;
      text = COPY_NULL;
    } else if (field.type === 'string') {
      text = stringColumn(value);
    } else {
      text = numberColumn(value, field.type === 'integer');
      if (text === undefined) return undefined;
    }
    columns = i === 0 ? text : columns + '\t' + text;
  }
  return columns;
}
