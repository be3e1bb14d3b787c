/**
 * Activities of the conformance suite. They run in the test process, so each one records what the
 * worker handed it (attempt, heartbeat details from the previous attempt, cancellation) under a key
 * the test chooses; tests then assert on those records exactly.
 */
import { ApplicationFailure, CancelledFailure, CompleteAsyncError, Context } from '@temporalio/activity';

export interface AttemptRecord {
  attempt: number;
  at: number;
  /** Heartbeat details the server handed this attempt (from an earlier attempt), if any. */
  previousHeartbeat?: unknown;
}

export class ActivityRecorder {
  private readonly attempts = new Map<string, AttemptRecord[]>();
  /** Task tokens of activities left for the test to complete (asynchronous completion). */
  readonly taskTokens = new Map<string, Uint8Array>();
  private readonly listeners = new Map<string, Array<(record: AttemptRecord) => void>>();
  readonly cancelled = new Set<string>();

  record(key: string): AttemptRecord {
    const info = Context.current().info;
    const entry: AttemptRecord = { attempt: info.attempt, at: Date.now(), previousHeartbeat: info.heartbeatDetails };
    const list = this.attempts.get(key) ?? [];
    list.push(entry);
    this.attempts.set(key, list);
    for (const listener of this.listeners.get(key) ?? []) listener(entry);
    return entry;
  }

  of(key: string): AttemptRecord[] {
    return this.attempts.get(key) ?? [];
  }

  /** Resolves when attempt number `attempt` of `key` has started. */
  attemptStarted(key: string, attempt: number): Promise<void> {
    if (this.of(key).some((entry) => entry.attempt >= attempt)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.listeners.get(key) ?? [];
      list.push((entry) => entry.attempt >= attempt && resolve());
      this.listeners.set(key, list);
    });
  }
}

/** Test-side gates an activity can wait on (to hold it pending while the test inspects the server). */
export class Gates {
  private readonly open = new Map<string, () => void>();
  private readonly promises = new Map<string, Promise<void>>();

  wait(key: string): Promise<void> {
    let promise = this.promises.get(key);
    if (!promise) {
      promise = new Promise<void>((resolve) => this.open.set(key, resolve));
      this.promises.set(key, promise);
    }
    return promise;
  }

  release(key: string): void {
    void this.wait(key); // creates the gate if nobody waits yet, so release before wait still opens it
    this.open.get(key)?.();
  }
}

export function createActivities(recorder: ActivityRecorder, gates: Gates = new Gates()) {
  return {
    async echo(value: unknown): Promise<unknown> {
      return value;
    },

    /** Fails with a retryable ApplicationFailure of `errorType` until attempt `successAttempt`. */
    async failUntil(key: string, successAttempt: number, errorType = 'FlakyError'): Promise<string> {
      const { attempt } = recorder.record(key);
      if (attempt < successAttempt) throw ApplicationFailure.retryable(`attempt ${attempt} failed`, errorType, { attempt });
      return `succeeded on attempt ${attempt}`;
    },

    async failNonRetryable(key: string): Promise<never> {
      const { attempt } = recorder.record(key);
      throw ApplicationFailure.nonRetryable(`attempt ${attempt} gave up`, 'FatalError', { attempt });
    },

    /** Sleeps (cancellably) longer than the timeout under test. */
    async sleepFor(key: string, ms: number): Promise<string> {
      recorder.record(key);
      await Context.current().sleep(ms);
      return `slept ${ms} ms`;
    },

    /** Heartbeats `progress-<attempt>` once, then stays silent so a heartbeat timeout fires. */
    async heartbeatOnceThenStall(key: string, stallMs: number): Promise<string> {
      const { attempt } = recorder.record(key);
      Context.current().heartbeat(`progress-${attempt}`);
      await Context.current().sleep(stallMs);
      return 'finished without stalling';
    },

    /** Heartbeats details, then fails retryably until `successAttempt`; returns the details it was handed. */
    async heartbeatThenFail(key: string, successAttempt: number): Promise<unknown> {
      const { attempt, previousHeartbeat } = recorder.record(key);
      if (attempt >= successAttempt) return previousHeartbeat;
      Context.current().heartbeat({ checkpoint: attempt * 10 });
      // Give the worker's heartbeat batching a moment; the failure below also carries the details.
      await Context.current().sleep(50);
      throw ApplicationFailure.retryable(`attempt ${attempt} failed after checkpoint`, 'FlakyError');
    },

    /** Heartbeats until the server reports cancellation through the heartbeat response. */
    async heartbeatUntilCancelled(key: string): Promise<string> {
      recorder.record(key);
      const context = Context.current();
      for (let beat = 0; ; beat++) {
        context.heartbeat(beat);
        try {
          await context.sleep(50);
        } catch (error) {
          if (error instanceof CancelledFailure) recorder.cancelled.add(key);
          throw error;
        }
      }
    },

    /** Leaves its completion to the test, which finds the task token under `key`. */
    async completeAsync(key: string): Promise<never> {
      recorder.record(key);
      recorder.taskTokens.set(key, Context.current().info.taskToken);
      throw new CompleteAsyncError();
    },

    /** Fails retryably before `holdAttempt`; on it, heartbeats `holding` and waits for the test's gate. */
    async failThenHold(key: string, holdAttempt: number): Promise<string> {
      const { attempt } = recorder.record(key);
      if (attempt < holdAttempt) throw ApplicationFailure.retryable(`attempt ${attempt} failed`, 'FlakyError');
      Context.current().heartbeat(`holding on attempt ${attempt}`);
      await Promise.race([gates.wait(key), Context.current().cancelled]);
      return `released on attempt ${attempt}`;
    },
  };
}

export type ConformanceActivities = ReturnType<typeof createActivities>;
