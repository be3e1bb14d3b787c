/**
 * Per-method counters of the server's own work, for the benchmark's split of a round trip into
 * server and worker time: read in process through `DevServer.stats()`, never over an RPC.
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

export class RpcStats {
  private readonly methods = new Map<string, MethodStats>();

  /** The counters of `method`, created on first use; callers update them in place. */
  of(method: string): MethodStats {
    let stats = this.methods.get(method);
    if (!stats) {
      stats = { calls: 0, errors: 0, handlerMs: 0 };
      this.methods.set(method, stats);
    }
    return stats;
  }

  /** A copy of every method's counters, by method name. */
  snapshot(): Record<string, MethodStats> {
    const copy: Record<string, MethodStats> = {};
    for (const [method, stats] of this.methods) copy[method] = { ...stats };
    return copy;
  }
}
