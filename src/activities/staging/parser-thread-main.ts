/**
 * A parser thread: turns event file chunks into COPY rows off the activity's thread, so parsing
 * and the database's COPY run on different cores. Messages, in order per thread:
 *   { file, maxLineBytes }  start a file
 *   { chunk }           bytes of the current file (transferred) → ParsedEvents
 *   { end: true }       end of the current file → ParsedEvents
 */
import { parentPort } from 'node:worker_threads';
import { EventFileParser, type ParsedEvents } from './event-parser';

type Request = { file: string; maxLineBytes: number } | { chunk: Uint8Array } | { end: true };

let parser: EventFileParser | undefined;

function reply(parsed: ParsedEvents): void {
  // The rows come from RowBuffer.take(): the start of a buffer of their own, never Node's shared
  // pool, so that whole buffer is transferred rather than copied.
  const rows = new Uint8Array(parsed.rows.buffer as ArrayBuffer, 0, parsed.rows.byteLength);
  parentPort!.postMessage({ ...parsed, rows }, [rows.buffer as ArrayBuffer]);
}

parentPort!.on('message', (request: Request) => {
  try {
    if ('file' in request) {
      parser = new EventFileParser(request.file, request.maxLineBytes);
    } else if ('chunk' in request) {
      reply(parser!.push(Buffer.from(request.chunk.buffer, request.chunk.byteOffset, request.chunk.byteLength)));
    } else {
      reply(parser!.end());
      parser = undefined;
    }
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.stack ?? err.message : String(err) });
  }
});
