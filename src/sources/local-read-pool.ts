/**
 * Threads that read many small local files (song files, a few hundred bytes each) with blocking
 * calls: an open, a read and a close per file cost more than the COPY of its row here, and on the
 * activity's thread they would share one core with everything else the worker does. Requests go
 * round-robin over the threads; each answers its own in order.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readThreads } from '../config/env';

/** One file's outcome: its bytes (and real size), or the error code and message of the failed call. */
export type ThreadRead = { content: Buffer; size: number } | { error: { code?: string; message: string } };

interface Reply {
  id: number;
  bytes: Uint8Array;
  lengths: Float64Array;
  sizes: Float64Array;
  /** The files that failed, by index. */
  errors: { index: number; code?: string; message: string }[];
}

interface Pending {
  resolve(reads: ThreadRead[]): void;
  reject(err: Error): void;
}

class ReadThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  constructor() {
    this.worker = new Worker(path.join(__dirname, 'local-read-thread.js'));
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      const failed = new Map(reply.errors.map(({ index, ...error }) => [index, error]));
      const reads: ThreadRead[] = [];
      let offset = 0;
      for (let i = 0; i < reply.lengths.length; i++) {
        const error = failed.get(i);
        if (error) {
          reads.push({ error });
          continue;
        }
        const length = reply.lengths[i];
        reads.push({ content: Buffer.from(reply.bytes.buffer, reply.bytes.byteOffset + offset, length), size: reply.sizes[i] });
        offset += length;
      }
      waiter.resolve(reads);
      if (this.pending.size === 0) this.worker.unref();
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`read thread exited (code ${code})`)));
    // An idle thread must never keep the process alive (refed only while a request is out).
    this.worker.unref();
  }

  get failed(): boolean {
    return this.failure !== undefined;
  }

  read(id: number, files: string[], sizes: number[]): Promise<ThreadRead[]> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      const planned = Float64Array.from(sizes);
      // Paths never hold NUL: joined, they cross as one string.
      this.worker.postMessage({ id, paths: files.join('\0'), sizes: planned }, [planned.buffer]);
    });
  }
}

const threads: ReadThread[] = [];
let nextThread = 0;
let nextId = 0;

/**
 * Reads the files (absolute paths; planned sizes, or -1 when unknown) on a pool thread. Undefined
 * when the pool is disabled (SPARKIFY_READ_THREADS=0): the caller then reads them itself. The
 * pool grows to the setting's size and keeps its threads (idle ones do not hold the process).
 */
export function readOnThread(files: string[], sizes: number[]): Promise<ThreadRead[]> | undefined {
  const count = readThreads();
  if (count === 0) return undefined;
  for (let i = threads.length - 1; i >= 0; i--) if (threads[i].failed) threads.splice(i, 1);
  while (threads.length < count) threads.push(new ReadThread());
  const thread = threads[nextThread++ % threads.length];
  return thread.read(++nextId, files, sizes);
}
