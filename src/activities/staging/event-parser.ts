import { isUtf8 } from 'node:buffer';
import { binaryRowFromText, PROVENANCE_FIELDS, provenancePrefix } from './binary-copy';
import { byteRowShape, rowSlack, writeBinaryRow } from './byte-row';
import { isBlankBytes, validateBytes, validateChars, type RowResult } from './byte-text';
import { RowBuffer } from './row-buffer';
import type { ReasonKind } from './rules';
import { EVENT_FIELDS } from './rules';

/** How much of an over-long line load_errors keeps as its raw text. */
export const LONG_LINE_HEAD_BYTES = 1024;

/** The rejection of an over-long row: its length and the limit, naming the setting. */
export function tooLongReason(bytes: number, maxLineBytes: number): string {
  return `row of ${bytes} bytes is longer than the limit of ${maxLineBytes} bytes (SPARKIFY_MAX_LINE_BYTES)`;
}

/** The first bytes of an over-long row as text, marked as cut. */
export function longLineHead(head: Buffer): string {
  return `${head.subarray(0, LONG_LINE_HEAD_BYTES).toString('utf8')}…`;
}

/** One rejected event line. */
export interface EventReject {
  line: number;
  raw: string;
  kind: ReasonKind;
  reason: string;
}

/** What one chunk of an event file turned into. */
export interface ParsedEvents {
  /** Binary COPY rows (binary-copy.ts), provenance fields included; a buffer of its own (RowBuffer.take). */
  rows: Buffer;
  rowsLoaded: number;
  /** Non-blank lines seen. */
  linesRead: number;
  rejects: EventReject[];
}

/**
 * Turns an event file's bytes, chunk by chunk, into binary COPY rows and rejections. Lines are 1-based
 * and count every line, blank ones included; a line is blank when it is whitespace only (as
 * String.prototype.trim sees it). Only whole lines are decoded, so no UTF-8 sequence is split;
 * text that is not valid UTF-8 is decoded with replacement characters before validation.
 * Lines of the common shape go from bytes to COPY bytes (byte-row.ts); the rest take the string
 * paths (byte-text.ts), whose text columns are then encoded (binary-copy.ts). Pure computation,
 * so it runs the same in the activity's thread or a parser thread.
 */
export class EventFileParser {
  private carry: Buffer | undefined;
  private lineNo = 0;
  private readonly provenance: Buffer;
  private readonly shape = byteRowShape(EVENT_FIELDS);
  private readonly slack = rowSlack(EVENT_FIELDS.length);
  private out = new RowBuffer();
  private rowsLoaded = 0;
  private linesRead = 0;
  private rejects: EventReject[] = [];
  /**
   * A line found longer than maxLineBytes before its end: only its first bytes and its length
   * are kept while the rest is skipped, so memory stays bounded whatever the line's size.
   */
  private long: { head: Buffer; bytes: number } | undefined;

  constructor(
    file: string,
    private readonly maxLineBytes: number = Number.MAX_SAFE_INTEGER,
  ) {
    this.provenance = provenancePrefix(Buffer.from(file, 'utf8'));
  }

  push(chunk: Buffer): ParsedEvents {
    let rest = chunk;
    if (this.long) {
      const newline = chunk.indexOf(10);
      if (newline === -1) {
        this.long.bytes += chunk.length;
        return this.take();
      }
      this.long.bytes += newline;
      this.rejectLong(this.long.head, this.long.bytes);
      this.long = undefined;
      rest = chunk.subarray(newline + 1);
    } else if (this.carry) {
      // Only the line the carry begins is joined with it: no copy of the whole chunk.
      const firstNewline = chunk.indexOf(10);
      if (firstNewline === -1) {
        if (this.carry.length + chunk.length > this.maxLineBytes) {
          this.long = { head: this.carry.subarray(0, LONG_LINE_HEAD_BYTES), bytes: this.carry.length + chunk.length };
          this.carry = undefined;
        } else {
          this.carry = Buffer.concat([this.carry, chunk]);
        }
        return this.take();
      }
      if (this.carry.length + firstNewline > this.maxLineBytes) {
        this.rejectLong(this.carry, this.carry.length + firstNewline);
      } else {
        this.lines(Buffer.concat([this.carry, chunk.subarray(0, firstNewline)]));
      }
      this.carry = undefined;
      rest = chunk.subarray(firstNewline + 1);
    }
    const lastNewline = rest.lastIndexOf(10);
    let tail: Buffer;
    if (lastNewline === -1) {
      tail = rest;
    } else {
      tail = rest.subarray(lastNewline + 1);
      this.lines(rest.subarray(0, lastNewline));
    }
    if (tail.length > this.maxLineBytes) {
      this.long = { head: Buffer.from(tail.subarray(0, LONG_LINE_HEAD_BYTES)), bytes: tail.length };
    } else {
      this.carry = tail.length > 0 ? Buffer.from(tail) : undefined;
    }
    return this.take();
  }

  end(): ParsedEvents {
    if (this.long) this.rejectLong(this.long.head, this.long.bytes);
    else if (this.carry && this.carry.length > 0) this.lines(this.carry);
    this.long = undefined;
    this.carry = undefined;
    return this.take();
  }

  /** An over-long line is one rejected row (kind too-long) keeping only its first bytes. */
  private rejectLong(head: Buffer, bytes: number): void {
    const lineNo = ++this.lineNo;
    this.linesRead++;
    this.rejects.push({ line: lineNo, raw: longLineHead(head), kind: 'too-long', reason: tooLongReason(bytes, this.maxLineBytes) });
  }

  /**
   * A body of whole lines (the last one without its newline). A body that is not valid UTF-8 is
   * decoded line by line, which gives the text decoding it whole would: a decoder never takes a
   * newline byte into a broken sequence.
   */
  private lines(body: Buffer): void {
    const utf8 = isUtf8(body);
    let start = 0;
    let end: number;
    while ((end = body.indexOf(10, start)) !== -1) {
      this.bodyLine(body, start, end, utf8);
      start = end + 1;
    }
    this.bodyLine(body, start, body.length, utf8);
  }

  /** A line of valid UTF-8 takes the byte path when it can, else the string paths. */
  private bodyLine(body: Buffer, start: number, end: number, utf8: boolean): void {
    if (end - start > this.maxLineBytes) {
      this.rejectLong(body.subarray(start, end), end - start);
      return;
    }
    if (!utf8) {
      this.line(body.toString('utf8', start, end), false);
      return;
    }
    const room = end - start + this.slack + this.provenance.length + 4;
    const out = this.out.reserve(room);
    const columnsEnd = writeBinaryRow(body, start, end, this.shape, PROVENANCE_FIELDS, out, this.out.length);
    if (columnsEnd === -1) {
      this.line(body.toString('latin1', start, end), true);
      return;
    }
    const lineNo = ++this.lineNo;
    this.linesRead++;
    this.rowsLoaded++;
    this.out.length = this.out.writeTail(columnsEnd, this.provenance, lineNo);
  }

  /** `asBytes`: the line is a byte string of valid UTF-8 (see byte-text.ts); otherwise decoded text. */
  private line(line: string, asBytes: boolean): void {
    const lineNo = ++this.lineNo;
    if (asBytes ? isBlankBytes(line) : line.trim() === '') return;
    this.linesRead++;
    const result: RowResult = asBytes ? validateBytes(line, EVENT_FIELDS) : validateChars(line, EVENT_FIELDS);
    if (result.ok) {
      this.out.append(binaryRowFromText(result.columns, EVENT_FIELDS));
      this.out.reserve(this.provenance.length + 4);
      this.out.length = this.out.writeTail(this.out.length, this.provenance, lineNo);
      this.rowsLoaded++;
    } else {
      this.rejects.push({ line: lineNo, raw: result.raw, kind: result.kind, reason: result.reason });
    }
  }

  private take(): ParsedEvents {
    const parsed: ParsedEvents = {
      rows: this.out.take(),
      rowsLoaded: this.rowsLoaded,
      linesRead: this.linesRead,
      rejects: this.rejects,
    };
    this.rowsLoaded = 0;
    this.linesRead = 0;
    this.rejects = [];
    return parsed;
  }
}
