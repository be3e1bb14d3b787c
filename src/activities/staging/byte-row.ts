import { numberColumn } from './fast-row';
import type { FieldRule } from './rules';

/**
 * The fastest path for the common event row, over bytes: a line that is exactly
 * `{"k1":v1,...,"kn":vn}` with every rule's key once, in rule order, no whitespace, and values
 * that are null, numbers, or strings without \u escapes, is written as a row of PostgreSQL's
 * binary COPY format without ever becoming a JS string. The binary format spares the server
 * parsing text (about a quarter of its COPY work). Like fast-row.ts this path never rejects: any
 * other line, or one that breaks a rule, makes it return -1 and the caller takes the string paths,
 * which decide and word the rejection. It accepts only what JSON.parse + validateObject accept,
 * with the values they give (see binary-copy.ts for the row layout).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
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
  /** Each prefix's whole 4-byte words, big-endian, compared a word at a time; its last bytes one by one. */
  prefixWords: number[][];
  kinds: Kind[];
  required: boolean[];
}

const shapes = new WeakMap<readonly FieldRule[], ByteRowShape>();

export function byteRowShape(fields: readonly FieldRule[]): ByteRowShape {
  let shape = shapes.get(fields);
  if (!shape) {
    shape = {
      prefixes: fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`, 'latin1')),
      prefixWords: [],
      kinds: fields.map((f) => (f.type === 'string' ? Kind.String : f.type === 'integer' ? Kind.Integer : Kind.Number)),
      required: fields.map((f) => f.required),
    };
    shape.prefixWords = shape.prefixes.map((prefix) =>
      Array.from({ length: prefix.length >> 2 }, (_, w) => Buffer.from(prefix).readUInt32BE(w * 4)),
    );
    shapes.set(fields, shape);
  }
  return shape;
}

/** The byte a JSON escape's second byte stands for; 0 when this path leaves the line alone (\u, or invalid). */
const UNESCAPED = new Uint8Array(128);
UNESCAPED[QUOTE] = QUOTE;
UNESCAPED[BACKSLASH] = BACKSLASH;
UNESCAPED[0x2f] = 0x2f; // \/
UNESCAPED[0x62] = 0x08; // \b
UNESCAPED[0x66] = 0x0c; // \f
UNESCAPED[0x6e] = 0x0a; // \n
UNESCAPED[0x72] = 0x0d; // \r
UNESCAPED[0x74] = 0x09; // \t

/** Room a row may need beyond its line's length: a 2-byte header, and per field a 4-byte length and an 8-byte number. */
export function rowSlack(fields: number): number {
  return 2 + 12 * fields;
}

/**
 * Writes the binary COPY row of `src[start, end)` at `out[at]` — its field count (the rule's
 * fields plus `extraFields` the caller appends) and each field — and returns the position after
 * it, or -1 when the line is not of the common shape (then `out` past `at` holds garbage). `out`
 * must have room for `end - start + rowSlack(fields)` bytes at `at`.
 */
export function writeBinaryRow(
  src: Uint8Array,
  start: number,
  end: number,
  shape: ByteRowShape,
  extraFields: number,
  out: Uint8Array,
  at: number,
): number {
  const { prefixes, prefixWords, kinds, required } = shape;
  const srcView = viewOf(src, 0);
  const outView = viewOf(out, 1);
  const fieldCount = prefixes.length + extraFields;
  outView.setInt16(at, fieldCount);
  let p = start;
  let o = at + 2;
  for (let field = 0; field < prefixes.length; field++) {
    const prefix = prefixes[field];
    const length = prefix.length;
    if (end - p < length + 2) return -1;
    const words = prefixWords[field];
    const wordBytes = words.length << 2;
    for (let w = 0; w < words.length; w++) if (srcView.getUint32(p + (w << 2)) !== words[w]) return -1;
    for (let k = wordBytes; k < length; k++) if (src[p + k] !== prefix[k]) return -1;
    p += length;
    const first = src[p];
    if (first === 0x6e) {
      // null: only for optional fields (a required null is the JSON.parse path's rejection to word).
      if (required[field] || src[p + 1] !== 0x75 || src[p + 2] !== 0x6c || src[p + 3] !== 0x6c) return -1;
      p += 4;
      outView.setInt32(o, -1); // length -1: NULL
      o += 4;
      continue;
    }
    if (kinds[field] === Kind.String) {
      if (first !== QUOTE) return -1;
      p++;
      const lengthAt = o;
      o += 4;
      for (;;) {
        // Four bytes at a time while none is special (a control character, a quote or a
        // backslash), tested with the usual bit tricks for "some byte below n" and "some byte zero".
        while (p + 4 <= end) {
          const word = srcView.getUint32(p);
          const quote = word ^ 0x22222222;
          const backslash = word ^ 0x5c5c5c5c;
          const special =
            ((word - 0x20202020) & ~word) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash);
          if ((special & 0x80808080) !== 0) break;
          outView.setUint32(o, word);
          o += 4;
          p += 4;
        }
        const c = src[p];
        // Most bytes are above the backslash (lower-case letters, UTF-8): one comparison for them.
        // No bounds check per byte: the newline after the line (or the buffer's end, undefined)
        // fails the control-character test below.
        if (!(c > BACKSLASH)) {
          if (c === QUOTE) break;
          if (c === BACKSLASH) {
            const e = src[p + 1];
            const unescaped = e < 128 ? UNESCAPED[e] : 0;
            if (unescaped === 0) return -1;
            out[o++] = unescaped;
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
      outView.setInt32(lengthAt, o - lengthAt - 4);
      continue;
    }
    const numberEnd = scanNumber(src, p, end);
    if (numberEnd === -1) return -1;
    const value = numberValue(src, p, numberEnd, kinds[field] === Kind.Integer);
    if (value === undefined) return -1;
    outView.setInt32(o, 8);
    if (kinds[field] === Kind.Integer) {
      // A safe integer as a big-endian two's-complement int64: high word (signed), low word.
      const high = Math.floor(value / TWO_TO_32);
      outView.setInt32(o + 4, high);
      outView.setUint32(o + 8, value - high * TWO_TO_32);
    } else {
      outView.setFloat64(o + 4, value);
    }
    o += 12;
    p = numberEnd;
  }
  if (p !== end - 1 || src[p] !== 0x7d) return -1;
  return o;
}

/** DataViews of the last source and output arrays seen (the parser passes the same ones row after row). */
const views: [Uint8Array | undefined, DataView | undefined][] = [
  [undefined, undefined],
  [undefined, undefined],
];

function viewOf(bytes: Uint8Array, slot: number): DataView {
  const cached = views[slot];
  if (cached[0] !== bytes) {
    cached[0] = bytes;
    cached[1] = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  return cached[1]!;
}

const TWO_TO_32 = 4294967296;

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

/** Decimal digits a double holds exactly: at most this many make an integer below 2^53. */
const MAX_EXACT_DIGITS = 15;
const POWERS_OF_TEN = Array.from({ length: MAX_EXACT_DIGITS + 1 }, (_, k) => 10 ** k);

/**
 * The value JSON.parse gives the JSON number `src[p, q)`, or undefined when the JSON.parse path
 * must decide (an integer field that is not a safe integer, or has a fraction). Common case in
 * bytes: no exponent and at most 15 significant digits once a fraction's trailing zeros are
 * dropped; then digits / 10^k is one division of two exact doubles, which IEEE rounds correctly,
 * so it equals the correctly rounded decimal that JSON.parse yields. Anything else is read by
 * Number() through fast-row's numberColumn.
 */
function numberValue(src: Uint8Array, p: number, q: number, integer: boolean): number | undefined {
  const negative = src[p] === MINUS;
  const digitsStart = negative ? p + 1 : p;
  if (src[digitsStart] !== ZERO || q - digitsStart === 1) {
    let digits = 0;
    let fractionDigits = -1;
    let value = 0;
    let pendingZeros = 0;
    let plain = true;
    for (let i = digitsStart; i < q; i++) {
      const c = src[i];
      if (c === DOT) {
        fractionDigits = 0;
        continue;
      }
      if (!isDigit(c)) {
        plain = false;
        break;
      }
      if (fractionDigits >= 0) {
        // Trailing zeros of a fraction change nothing: they are counted only if a digit follows.
        if (c === ZERO) {
          pendingZeros++;
          continue;
        }
        for (; pendingZeros > 0; pendingZeros--) {
          value *= 10;
          digits++;
          fractionDigits++;
        }
        fractionDigits++;
      }
      value = value * 10 + (c - ZERO);
      digits++;
      if (digits > MAX_EXACT_DIGITS) {
        plain = false;
        break;
      }
    }
    if (plain && !(integer && fractionDigits > 0)) {
      const magnitude = fractionDigits > 0 ? value / POWERS_OF_TEN[fractionDigits] : value;
      // -0 is rendered "0" by the string paths, so it is stored as +0 there too.
      return negative && magnitude !== 0 ? -magnitude : magnitude;
    }
  }
  const text = numberColumn(Buffer.from(src.buffer, src.byteOffset + p, q - p).toString('latin1'), integer);
  return text === undefined ? undefined : Number(text);
}
