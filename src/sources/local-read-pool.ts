/**
 * Threads that read many small local files (song files, a few hundred bytes each), or list a tree
 * of them with their sizes, with blocking calls: an open, a read and a close per file cost more
 * than the COPY of its row here, and on the activity's thread they would share one core with
 * everything else the worker does. Requests go round-robin over the threads (a listing stays on
 * the thread it opened on); each answers its own in order.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { readThreads } from '../config/env';
import type { ListingShare, WalkFailureData } from './local-walk';

/** One file's outcome: its bytes (and real size), or the error code and message of the failed call. */
export type ThreadRead = { content: Buffer; size: number } | { error: { code?: string; message: string } };

/** The next files of a listing: relative paths and sizes (or the failed stat), and whether it ended. */
export interface ListedBatch {
  files: Array<{ relative: string } & ({ size: number } | { error: { code?: string; message: string } })>;
  done: boolean;
  /** Why the walk stopped, after the files of this batch. */
  failure?: WalkFailureData;
}

/** A listing on one read thread: ask for its next files (several requests may be out), close it when abandoned. */
export interface ThreadListing {
  next(count: number): Promise<ListedBatch>;
  close(): void;
}

interface Reply {
  id: number;
  /** Read replies: the files' bytes, back to back, and each file's share of them. */
  bytes?: Uint8Array;
  lengths?: Float64Array;
  /** List replies: the relative paths joined by NUL, whether the listing ended, and why it stopped. */
  paths?: string;
  done?: boolean;
  failure?: WalkFailureData;
  sizes: Float64Array;
  /** The files that failed, by index. */
  errors: { index: number; code?: string; message: string }[];
}

interface Pending {
  resolve(reply: Reply): void;
  reject(err: Error): void;
}

class ReadThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  constructor() {
    // Plain JavaScript: none of the process's flags is needed (a TypeScript loader's --import
    // would triple the thread's start time and add to its memory).
    this.worker = new Worker(path.join(__dirname, 'local-read-thread.js'), { execArgv: [] });
    this.worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      waiter.resolve(reply);
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

  async read(id: number, files: string[], sizes: number[]): Promise<ThreadRead[]> {
    const planned = Float64Array.from(sizes);
    const reply = await this.request({ id, op: 'read', paths: files.join('\0'), sizes: planned }, [planned.buffer]);
    const failed = failures(reply);
    const reads: ThreadRead[] = [];
    let offset = 0;
    for (let i = 0; i < files.length; i++) {
      const error = failed.get(i);
      if (error) {
        reads.push({ error });
        continue;
      }
      const length = (reply.lengths as Float64Array)[i];
      const bytes = reply.bytes as Uint8Array;
      reads.push({ content: Buffer.from(bytes.buffer, bytes.byteOffset + offset, length), size: reply.sizes[i] });
      offset += length;
    }
    return reads;
  }

  /** A listing (or `share` of a split one) walked on this thread, each file stat'ed as the walk finds it. */
  list(listing: number, directory: string, relativeTop: string, share?: ListingShare): ThreadListing {
    this.post({ op: 'open', listing, directory, relativeTop, share });
    return {
      next: async (count) => {
        const reply = await this.request({ id: ++nextId, op: 'list', listing, count }, []);
        const failed = failures(reply);
        const relatives = reply.paths ? reply.paths.split('\0') : [];
        const files = relatives.map((relative, i) => {
          const error = failed.get(i);
          return error ? { relative, error } : { relative, size: reply.sizes[i] };
        });
        return { files, done: reply.done === true, ...(reply.failure ? { failure: reply.failure } : {}) };
      },
      close: () => this.post({ op: 'close', listing }),
    };
  }

  /** A message that gets no reply. */
  private post(message: object): void {
    if (!this.failure) this.worker.postMessage(message);
  }

  private request(
    message: { id: number; op: 'read' | 'list'; paths?: string; sizes?: Float64Array; listing?: number; count?: number },
    transfer: ArrayBuffer[],
  ): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.set(message.id, { resolve, reject });
      this.worker.ref();
      // Paths never hold NUL: joined, they cross as one string.
      this.worker.postMessage(message, transfer);
    });
  }
}

function failures(reply: Reply): Map<number, { code?: string; message: string }> {
  return new Map(reply.errors.map(({ index, ...error }) => [index, error]));
}

const threads: ReadThread[] = [];
let nextThread = 0;
let nextId = 0;
let nextListing = 0;

/**
 * Reads the files (absolute paths; planned sizes, or -1 when unknown) on a pool thread. Undefined
 * when the pool is disabled (SPARKIFY_READ_THREADS=0): the caller then reads them itself. The
 * pool grows to the setting's size and keeps its threads (idle ones do not hold the process).
 */
export function readOnThread(files: string[], sizes: number[]): Promise<ThreadRead[]> | undefined {
  return poolThread()?.read(++nextId, files, sizes);
}

/**
 * The *.json files under `directory` with their sizes, listed on pool threads (local-walk.js),
 * as paths relative to the source root (`relativeTop/…`): one listing per thread, each walking
 * and stat'ing its share of the tree (the shares' files are disjoint, each in path order; the
 * caller merges them). Empty when the pool is disabled.
 */
export function listOnThreads(directory: string, relativeTop: string): ThreadListing[] {
  const count = readThreads();
  const walkers = Array.from({ length: count }, () => poolThread()).filter((thread): thread is ReadThread => thread !== undefined);
  return walkers.map((walker, index) => walker.list(++nextListing, directory, relativeTop, { index, of: walkers.length }));
}

/** The next of the setting's first threads (started when missing; a lowered setting leaves the rest idle). */
function poolThread(): ReadThread | undefined {
  const count = readThreads();
  if (count === 0) return undefined;
  for (let i = threads.length - 1; i >= 0; i--) if (threads[i].failed) threads.splice(i, 1);
  while (threads.length < count) threads.push(new ReadThread());
  return threads[nextThread++ % count];
}
