import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { EventFileParser, type ParsedEvents } from './event-parser';

/** Parses one file's chunks, in order; results come back in the same order. A pushed chunk may be detached. */
export interface ChunkParser {
  push(chunk: Buffer): Promise<ParsedEvents>;
  end(): Promise<ParsedEvents>;
}

/**
 * Set to 1 to parse on a worker thread per events COPY activity; by default (unset or 0) events are
 * parsed in the activity's own thread. On 2 cores the song staging, its read threads and the
 * PostgreSQL backends already keep both cores busy: at 1M events the threads made staging no
 * faster, and their heaps and the file chunks waiting for their GC added ~100 MB to the worker's
 * peak RSS (docs/scaling.md, worker memory).
 */
export const PARSER_THREADS_SETTING = 'SPARKIFY_PARSER_THREADS';

interface Pending {
  resolve(parsed: ParsedEvents): void;
  reject(err: Error): void;
}

/** A worker thread running parser-thread-main.ts; one file at a time, requests answered in order. */
export class ParserThread {
  private readonly worker: Worker;
  private readonly pending: Pending[] = [];
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(path.join(__dirname, 'parser-thread.js'));
    this.worker.on('message', (message: ParsedEvents & { error?: string; rows: Uint8Array }) => {
      const waiter = this.pending.shift();
      if (!waiter) return;
      if (message.error !== undefined) {
        waiter.reject(new Error(`parser thread failed: ${message.error}`));
        return;
      }
      waiter.resolve({ ...message, rows: Buffer.from(message.rows.buffer, message.rows.byteOffset, message.rows.byteLength) });
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const waiter of this.pending.splice(0)) waiter.reject(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`parser thread exited (code ${code})`)));
    // An idle thread must never keep the process alive. (After the listeners: adding a
    // 'message' listener refs the worker again.)
    this.worker.unref();
  }

  get healthy(): boolean {
    return this.failure === undefined && this.pending.length === 0;
  }

  private request(message: object, transfer: ArrayBuffer[] = []): Promise<ParsedEvents> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(message, transfer);
    });
  }

  parserFor(file: string, maxLineBytes: number): ChunkParser {
    this.worker.postMessage({ file, maxLineBytes });
    return {
      push: (chunk) => {
        // A chunk that owns its whole ArrayBuffer (a read stream's fresh buffer) is moved to the
        // thread rather than copied; any other (a view into a shared pool) is copied.
        const whole = chunk.buffer;
        if (whole instanceof ArrayBuffer && chunk.byteOffset === 0 && chunk.byteLength === whole.byteLength) {
          return this.request({ chunk: new Uint8Array(whole) }, [whole]);
        }
        return this.request({ chunk: new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength) });
      },
      end: () => this.request({ end: true }),
    };
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Parsing in the caller's thread, with the same interface. */
export function inlineParser(file: string, maxLineBytes: number): ChunkParser {
  const parser = new EventFileParser(file, maxLineBytes);
  return {
    push: async (chunk) => parser.push(chunk),
    end: async () => parser.end(),
  };
}

const idle: ParserThread[] = [];

function threadsEnabled(): boolean {
  return process.env[PARSER_THREADS_SETTING] === '1';
}

/** A parser thread for one activity (reused across activities), or undefined when not enabled. */
export function acquireParserThread(): ParserThread | undefined {
  if (!threadsEnabled()) return undefined;
  return idle.pop() ?? new ParserThread();
}

/** Returns a thread for reuse, or ends it if it failed or still has work in flight. */
export function releaseParserThread(thread: ParserThread | undefined): void {
  if (!thread) return;
  if (thread.healthy) idle.push(thread);
  else void thread.terminate();
}
