import { isUtf8 } from 'node:buffer';
import { bytesFromUtf8, isBlankBytes, validateBytes, validateChars, type RowResult } from './byte-text';
import { copyText } from './copy-text';
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
  /** COPY text rows (UTF-8 bytes), provenance columns included. */
  rows: Buffer;
  rowsLoaded: number;
  /** Non-blank lines seen. */
  linesRead: number;
  rejects: EventReject[];
}

/**
 * Turns an event file's bytes, chunk by chunk, into COPY rows and rejections. Lines are 1-based
 * and count every line, blank ones included; a line is blank when it is whitespace only (as
 * String.prototype.trim sees it). Only whole lines are decoded, so no UTF-8 sequence is split;
 * text that is not valid UTF-8 is decoded with replacement characters before validation.
 * Pure computation, so it runs the same in the activity's thread or a parser thread.
 */
export class EventFileParser {
  private carry: Buffer | undefined;
  private lineNo = 0;
  private readonly provenance: string;
  private out: string[] = [];
  private rowsLoaded = 0;
  private linesRead = 0;
  private rejects: EventReject[] = [];

  constructor(file: string) {
    this.provenance = '\t' + bytesFromUtf8(copyText(file)) + '\t';
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

  private lines(body: Buffer): void {
    const asBytes = isUtf8(body);
    const text = body.toString(asBytes ? 'latin1' : 'utf8');
    let start = 0;
    let end: number;
    while ((end = text.indexOf('\n', start)) !== -1) {
      this.line(text.slice(start, end), asBytes);
      start = end + 1;
    }
    this.line(text.slice(start), asBytes);
  }

  /** `asBytes`: the line is a byte string of valid UTF-8 (see byte-text.ts); otherwise decoded text. */
  private line(line: string, asBytes: boolean): void {
    const lineNo = ++this.lineNo;
    if (asBytes ? isBlankBytes(line) : line.trim() === '') return;
    this.linesRead++;
    const result: RowResult = asBytes ? validateBytes(line, EVENT_FIELDS) : validateChars(line, EVENT_FIELDS);
    if (result.ok) {
      this.out.push(result.columns + this.provenance + lineNo + '\n');
      this.rowsLoaded++;
    } else {
      this.rejects.push({ line: lineNo, raw: result.raw, kind: result.kind, reason: result.reason });
    }
  }

  private take(): ParsedEvents {
    const parsed: ParsedEvents = {
      rows: Buffer.from(this.out.join(''), 'latin1'),
      rowsLoaded: this.rowsLoaded,
      linesRead: this.linesRead,
      rejects: this.rejects,
    };
    this.out = [];
    this.rowsLoaded = 0;
    this.linesRead = 0;
    this.rejects = [];
    return parsed;
  }
}
