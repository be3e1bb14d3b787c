import { numberColumn } from './fast-row';
import type { FieldRule } from './rules';

/**
 * The fastest path for the common row, over bytes: a line that is exactly `{"k1":v1,...,"kn":vn}`
 * with every rule's key once, in rule order, no whitespace, and values that are null, numbers, or
 * strings without \u escapes, is turned into COPY text columns without ever becoming a JS string.
 * JSON's escapes other than \u map onto COPY text ones, so string bytes are copied nearly as they
 * are. Like fast-row.ts it never rejects: any other line, or one that breaks a rule, makes it
 * return -1 and the caller takes the string paths, which decide and word the rejection. It accepts
 * only what JSON.parse + validateObject accept, rendered byte for byte as they render it.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const TAB = 0x09;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const enum Kind {
  String,
  Integer,
  Number,
}

/** Per field: the bytes before its value (`{"key":` or `,"key":`), its kind, and whether it is required. */
export interface ByteRowShape {
  prefixes: Uint8Array[];
  kinds: Kind[];
  required: boolean[];
}

const shapes = new WeakMap<readonly FieldRule[], ByteRowShape>();

export function byteRowShape(fields: readonly FieldRule[]): ByteRowShape {
  let shape = shapes.get(fields);
  if (!shape) {
    shape = {
      prefixes: fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`, 'latin1')),
      kinds: fields.map((f) => (f.type === 'string' ? Kind.String : f.type === 'integer' ? Kind.Integer : Kind.Number)),
      required: fields.map((f) => f.required),
    };
    shapes.set(fields, shape);
  }
  return shape;
}

/** What a JSON escape's second byte becomes in COPY text; 0 when this path leaves the line alone (\u, or invalid). */
const ESCAPE_OUT = new Uint16Array(128);
ESCAPE_OUT[QUOTE] = QUOTE; // \" is a plain quote
ESCAPE_OUT[0x2f] = 0x2f; // \/ is a plain slash
ESCAPE_OUT[0x62] = 0x08; // \b: copyText leaves a backspace as it is
ESCAPE_OUT[0x66] = 0x0c; // \f: likewise a form feed
// Marked 0x100 + byte: the escape stays an escape, identical in JSON and COPY text.
ESCAPE_OUT[BACKSLASH] = 0x100 + BACKSLASH;
ESCAPE_OUT[0x6e] = 0x100 + 0x6e; // \n
ESCAPE_OUT[0x72] = 0x100 + 0x72; // \r
ESCAPE_OUT[0x74] = 0x100 + 0x74; // \t

/**
 * Writes the COPY columns of `src[start, end)` at `out[at]` and returns the position after them,
 * or -1 when the line is not of the common shape (then `out` past `at` holds garbage). `out` must
 * have room for `end - start + 32` bytes at `at`: the columns are never longer than the line read
 * (a key and its punctuation always shrink to one tab; a value never grows, see below).
 */
export function writeRowColumns(src: Uint8Array, start: number, end: number, shape: ByteRowShape, out: Uint8Array, at: number): number {
  const { prefixes, kinds, required } = shape;
  let p = start;
  let o = at;
  for (let field = 0; field < prefixes.length; field++) {
    const prefix = prefixes[field];
    const length = prefix.length;
    if (end - p < length + 2) return -1;
    for (let k = 0; k < length; k++) if (src[p + k] !== prefix[k]) return -1;
    p += length;
    if (field > 0) out[o++] = TAB;
    const first = src[p];
    if (first === 0x6e) {
      // null: only for optional fields (a required null is the JSON.parse path's rejection to word).
      if (required[field] || src[p + 1] !== 0x75 || src[p + 2] !== 0x6c || src[p + 3] !== 0x6c) return -1;
      p += 4;
      out[o++] = BACKSLASH;
      out[o++] = 0x4e; // \N
      continue;
    }
    if (kinds[field] === Kind.String) {
      if (first !== QUOTE) return -1;
      p++;
      for (;;) {
        const c = src[p];
        // Most bytes are above the backslash (lower-case letters, UTF-8): one comparison for them.
        // No bounds check per byte: the newline after the line (or the buffer's end, undefined)
        // fails the control-character test below.
        if (!(c > BACKSLASH)) {
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            const e = src[p + 1];
            const mapped = e < 128 ? ESCAPE_OUT[e] : 0;
            if (mapped === 0) return -1;
            if (mapped > 0xff) {
              out[o++] = BACKSLASH;
              out[o++] = mapped - 0x100;
            } else {
              out[o++] = mapped;
            }
            p += 2;
            continue;
          }
          // Raw control characters are invalid in JSON strings; bytes >= 0x80 are UTF-8 (checked by the caller).
          if (!(c >= 0x20)) return -1;
        }
        out[o++] = c;
        p++;
      }
      p++;
      continue;
    }
    const numberEnd = scanNumber(src, p, end);
    if (numberEnd === -1) return -1;
    const written = writeNumber(src, p, numberEnd, kinds[field] === Kind.Integer, out, o);
    // Columns stay no longer than the line read so far (the room the caller guarantees); only a
    // number's text through numberColumn can grow ("1e20"), and such a line is left to the string path.
    if (written === -1 || written - at > numberEnd - start) return -1;
    o = written;
    p = numberEnd;
  }
  if (p !== end - 1 || src[p] !== 0x7d) return -1;
  return o;
}

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

/** The end of the JSON number at `p` (JSON's strict grammar), or -1. */
function scanNumber(src: Uint8Array, p: number, end: number): number {
  if (src[p] === MINUS) p++;
  if (p >= end) return -1;
  if (src[p] === ZERO) p++;
  else if (src[p] > ZERO && src[p] <= NINE) while (p < end && isDigit(src[p])) p++;
  else return -1;
  if (p < end && src[p] === DOT) {
    p++;
    if (p >= end || !isDigit(src[p])) return -1;
    while (p < end && isDigit(src[p])) p++;
  }
  if (p < end && (src[p] === 0x65 || src[p] === 0x45)) {
    p++;
    if (p < end && (src[p] === 0x2b || src[p] === MINUS)) p++;
    if (p >= end || !isDigit(src[p])) return -1;
    while (p < end && isDigit(src[p])) p++;
  }
  return p;
}

/** Digits a double always keeps exactly: a decimal of at most this many is its own shortest round trip. */
const MAX_EXACT_DIGITS = 15;

/**
 * Writes String(Number(text)) of the JSON number `src[p, q)`. Common case in bytes: an integer
 * part without a leading zero, an optional fraction, no exponent, and at most 15 significant
 * digits once the fraction's trailing zeros are dropped ("1540919166796.0" is "1540919166796").
 * Integer fields take only plain integers here. Anything else goes through fast-row's
 * numberColumn on the text. Returns the position after the written text, or -1 when the
 * JSON.parse path must decide.
 */
function writeNumber(src: Uint8Array, p: number, q: number, integer: boolean, out: Uint8Array, o: number): number {
  const digitsStart = src[p] === MINUS ? p + 1 : p;
  let dot = -1;
  let plain = src[digitsStart] !== ZERO;
  for (let i = digitsStart; i < q && plain; i++) {
    const c = src[i];
    if (c === DOT) dot = i;
    else if (!isDigit(c)) plain = false;
  }
  if (plain) {
    let last = q;
    if (dot !== -1) {
      while (src[last - 1] === ZERO) last--;
      if (last - 1 === dot) last = dot;
    }
    const digits = last - digitsStart - (dot !== -1 && last > dot ? 1 : 0);
    if (digits <= MAX_EXACT_DIGITS && !(integer && dot !== -1)) {
      for (let i = p; i < last; i++) out[o++] = src[i];
      return o;
    }
  }
  const text = numberColumn(Buffer.from(src.buffer, src.byteOffset + p, q - p).toString('latin1'), integer);
  // The 32 bytes of slack bound a single write; the caller checks the running length.
  if (text === undefined || text.length > q - p + 32) return -1;
  for (let i = 0; i < text.length; i++) out[o++] = text.charCodeAt(i);
  return o;
}
