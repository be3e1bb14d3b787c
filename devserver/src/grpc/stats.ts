/**
 * Counters of the server's own work, and of the time tasks spend at workers, for the benchmark's
 * split of a round trip into server and worker time: read in process through `DevServer.stats()`,
 * never over an RPC.
 */

export interface MethodStats {
  calls: number;
  /** Calls answered with an error status. */
  errors: number;
  /**
   * Milliseconds of server work: decoding the request, the handler's synchronous part and, for a
   * call that waited (a long poll), encoding and sending its answer. Time spent waiting is not work.
   */
  handlerMs: number;
}

/** Tasks of one kind that came back, and their total time away. */
export interface WorkerLeg {
  tasks: number;
  ms: number;
}

export interface DevServerStats {
  /** By RPC method name. */
  methods: Record<string, MethodStats>;
  /**
   * From the answer carrying a task being handed to HTTP/2 to its completion call arriving: the
   * worker's processing plus the transport both ways; none of it is server handler time.
   */
  workerTime: { workflowTask: WorkerLeg; activityTask: WorkerLeg };
}

/** Tasks handed out but not yet completed are forgotten past this many (timed-out tasks never return). */
const MAX_TRACKED_TASKS = 10_000;

export class RpcStats {
  private readonly methods = new Map<string, MethodStats>();
  private readonly workflowTask: WorkerLeg = { tasks: 0, ms: 0 };
  private readonly activityTask: WorkerLeg = { tasks: 0, ms: 0 };
  /** Task token (as a latin1 string) → when the answer carrying it was sent. */
  private readonly sentAt = new Map<string, number>();

  /** The counters of `method`, created on first use; callers update them in place. */
  of(method: string): MethodStats {
    let stats = this.methods.get(method);
    if (!stats) {
      stats = { calls: 0, errors: 0, handlerMs: 0 };
      this.methods.set(method, stats);
    }
    return stats;
  }

  /** An answer carrying the task with `token` was just sent. */
  taskSent(token: Uint8Array, now: number): void {
    if (this.sentAt.size >= MAX_TRACKED_TASKS) this.sentAt.clear();
    this.sentAt.set(tokenKey(token), now);
  }

  /** A completion of the task with `token` arrived at `now`. */
  taskReturned(token: Uint8Array, kind: 'workflowTask' | 'activityTask', now: number): void {
    const key = tokenKey(token);
    const sent = this.sentAt.get(key);
    if (sent === undefined) return;
    this.sentAt.delete(key);
    const leg = kind === 'workflowTask' ? this.workflowTask : this.activityTask;
    leg.tasks++;
    leg.ms += now - sent;
  }

  snapshot(): DevServerStats {
    const methods: Record<string, MethodStats> = {};
    for (const [method, stats] of this.methods) methods[method] = { ...stats };
    return { methods, workerTime: { workflowTask: { ...this.workflowTask }, activityTask: { ...this.activityTask } } };
  }
}

function tokenKey(token: Uint8Array): string {
  return Buffer.isBuffer(token) ? token.toString('latin1') : Buffer.from(token.buffer, token.byteOffset, token.length).toString('latin1');
}
