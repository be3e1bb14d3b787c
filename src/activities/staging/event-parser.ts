import { isUtf8 } from 'node:buffer';
import { binaryRowFromText, PROVENANCE_FIELDS, provenancePrefix } from './binary-copy';
import { byteRowShape, rowSlack, writeBinaryRow } from './byte-row';
import { isBlankBytes, validateBytes, validateChars, type RowResult } from './byte-text';
import { RowBuffer } from './row-buffer';
import type { ReasonKind } from './rules';
import { EVENT_FIELDS } from './rules';

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

  constructor(file: string) {
    this.provenance = provenancePrefix(Buffer.from(file, 'utf8'));
  }

  push(chunk: Buffer): ParsedEvents {
    let rest = chunk;
    if (this.carry) {
      // Only the line the carry begins is joined with it: no copy of the whole chunk.
      const firstNewline = chunk.indexOf(10);
      if (firstNewline === -1) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return this.take();
      }
      this.lines(Buffer.concat([this.carry, chunk.subarray(0, firstNewline)]));
      this.carry = undefined;
      rest = chunk.subarray(firstNewline + 1);
    }
    const lastNewline = rest.lastIndexOf(10);
    if (lastNewline === -1) {
      this.carry = rest.length > 0 ? Buffer.from(rest) : undefined;
    } else {
      this.carry = lastNewline + 1 < rest.length ? Buffer.from(rest.subarray(lastNewline + 1)) : undefined;
      this.lines(rest.subarray(0, lastNewline));
    }
    return this.take();
  }

  end(): ParsedEvents {
    if (this.carry && this.carry.length > 0) this.lines(this.carry);
    this.carry = undefined;
    return this.take();
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
