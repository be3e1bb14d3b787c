import { isUtf8 } from 'node:buffer';
import { sourceNotFound } from '../../sources/errors';
import type { Source, SourceFile } from '../../sources/source';
import type { StagingBatch } from './batch';
import { EVENT_FIELDS } from './rules';
import { isBlankBytes, validateBytes, validateChars, type RowResult } from './byte-text';

/**
 * Streams one event file into the batch: each non-blank line is validated and either loaded or
 * rejected. Lines are 1-based and count every line, blank ones included. Text that is not valid
 * UTF-8 is decoded with replacement characters (as any UTF-8 reader would) before validation.
 */
export async function loadEventFile(source: Source, file: SourceFile, batch: StagingBatch): Promise<number> {
  let carry: Buffer | undefined;
  let lineNo = 0;
  let bytes = 0;
  /** `asBytes`: the line is a byte string of valid UTF-8; otherwise it is decoded text. */
  const handle = (line: string, asBytes: boolean): void => {
    lineNo++;
    // Blank means whitespace only (a trailing \r included), as String.prototype.trim sees it.
    if (asBytes ? isBlankBytes(line) : line.trim() === '') return;
    batch.linesRead++;
    const result: RowResult = asBytes ? validateBytes(line, EVENT_FIELDS) : validateChars(line, EVENT_FIELDS);
    if (result.ok) batch.row(result.columns, file.path, lineNo);
    else batch.reject(file.path, lineNo, result.raw, result.kind, result.reason);
  };
  try {
    for await (const chunk of source.openStream(file.path) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      // Decode only whole lines, so no UTF-8 sequence is split across chunks.
      const lastNewline = buffer.lastIndexOf(10);
      if (lastNewline === -1) {
        carry = buffer;
        continue;
      }
      carry = lastNewline + 1 < buffer.length ? buffer.subarray(lastNewline + 1) : undefined;
      const body = buffer.subarray(0, lastNewline);
      const asBytes = isUtf8(body);
      const text = body.toString(asBytes ? 'latin1' : 'utf8');
      let start = 0;
      let end: number;
      while ((end = text.indexOf('\n', start)) !== -1) {
        handle(text.slice(start, end), asBytes);
        start = end + 1;
      }
      handle(text.slice(start), asBytes);
      await batch.drain();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code && (err as NodeJS.ErrnoException).syscall) throw sourceNotFound(file.path, err);
    throw err;
  }
  if (carry && carry.length > 0) {
    const asBytes = isUtf8(carry);
    handle(carry.toString(asBytes ? 'latin1' : 'utf8'), asBytes);
  }
  await batch.drain();
  return bytes;
}

