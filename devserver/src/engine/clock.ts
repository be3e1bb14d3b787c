/**
 * The engine's one time source: history timestamps, workflow task times, timers, every timeout,
 * retry backoffs and schedules read `now()` and wait with `at()`.
 *
 * `WallClock` is the ordinary server: now is `Date.now()` and each wait is a `setTimeout`.
 * `SkippingClock` is the time-skipping test server's clock (Temporal's TestService, as the Java test
 * server implements it): virtual time runs at wall pace, and whenever nothing holds it — no
 * LockTimeSkipping outstanding and no work in flight (a workflow task, an activity attempt, a
 * query, a deferred engine step) — it jumps straight to its earliest pending wait and fires it.
 */

export interface ClockTimer {
  cancel(): void;
}

export interface EngineClock {
  /** Milliseconds since the epoch, on this clock. */
  now(): number;
  /** Calls `fire` once the clock reaches `atMs` (on a later turn when that is already past). */
  at(atMs: number, fire: () => void): ClockTimer;
  /** Work may have ended or begun (an operation committed): a skipping clock re-checks its holds. */
  poke(): void;
  stop(): void;
}

/** setTimeout's ceiling; longer waits re-arm when it fires. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export class WallClock implements EngineClock {
  private stopped = false;

  now(): number {
    return Date.now();
  }

  at(atMs: number, fire: () => void): ClockTimer {
    let handle: NodeJS.Timeout | undefined;
    const arm = () => {
      handle = setTimeout(
        () => {
          handle = undefined;
          if (this.stopped) return;
          // Long waits are split at setTimeout's ceiling, and timers may fire a little early.
          if (Date.now() < atMs) arm();
          else fire();
        },
        Math.min(Math.max(0, atMs - Date.now()), MAX_TIMEOUT_MS),
      );
      handle.unref();
    };
    arm();
    return {
      cancel: () => {
        if (handle) clearTimeout(handle);
        handle = undefined;
      },
    };
  }

  poke(): void {}

  stop(): void {
    this.stopped = true;
  }
}

interface PendingWait {
  atMs: number;
  seq: number;
  fire: () => void;
  cancelled: boolean;
}

/** What a skipping clock reports to GetCurrentTime callers and tests. */
export interface SkippingState {
  nowMs: number;
  /** Outstanding LockTimeSkipping calls (the SDK's test server starts with one). */
  locks: number;
  /** Work in flight that holds the clock (workflow tasks, activity attempts, queries). */
  holds: number;
  /** UnlockTimeSkippingWithSleep calls still waiting; each releases one lock or hold meanwhile. */
  sleepers: number;
  /** UnlockTimeSkipping calls made with no lock outstanding, each releasing a hold (see unlock()). */
  borrowed: number;
  pendingWaits: number;
}

export class TimeSkippingNotLocked extends Error {
  override name = 'TimeSkippingNotLocked';
}

export class SkippingClock implements EngineClock {
  /** Virtual time minus wall time: grows by every skip. */
  private offsetMs: number;
  private locks: number;
  private sleepers = 0;
  private borrowed = 0;
  /** Pending waits, ordered by time then by arrival. */
  private waits: PendingWait[] = [];
  private seq = 0;
  private wallTimer: NodeJS.Timeout | undefined;
  private wallTimerAtMs = Infinity;
  private checkQueued = false;
  private stopped = false;
  /** Counts the work in flight; the engine installs it (see Engine.holdsOnClock). */
  holds: () => number = () => 0;
  /** Called after each skip, e.g. to journal the offset. */
  onSkip: (offsetMs: number) => void = () => undefined;

  constructor(options: { locked: boolean; offsetMs?: number }) {
    this.locks = options.locked ? 1 : 0;
    this.offsetMs = options.offsetMs ?? 0;
  }

  /** Resumes a journaled clock: virtual time keeps its recorded lead over the wall clock. */
  restoreOffset(offsetMs: number): void {
    this.offsetMs = Math.max(this.offsetMs, offsetMs);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  state(): SkippingState {
    return { nowMs: this.now(), locks: this.locks, holds: this.holds(), sleepers: this.sleepers, borrowed: this.borrowed, pendingWaits: this.waits.filter((w) => !w.cancelled).length };
  }

  at(atMs: number, fire: () => void): ClockTimer {
    const wait: PendingWait = { atMs, seq: this.seq++, fire, cancelled: false };
    // Insert after every wait due at or before atMs, so equal times fire in arrival order.
    let low = 0;
    let high = this.waits.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.waits[mid].atMs <= atMs) low = mid + 1;
      else high = mid;
    }
    this.waits.splice(low, 0, wait);
    this.armWallTimer();
    this.poke();
    return {
      cancel: () => {
        if (wait.cancelled) return;
        wait.cancelled = true;
        const index = this.waits.indexOf(wait);
        if (index >= 0) this.waits.splice(index, 1);
        this.armWallTimer();
      },
    };
  }

  /** How many locks and holds keep the clock from skipping; it skips at 0 or less. */
  private get holding(): number {
    return this.locks + this.holds() - this.sleepers - this.borrowed;
  }

  lock(): void {
    // A lock first pays back an unlock that borrowed a hold.
    if (this.borrowed > 0) this.borrowed--;
    else this.locks++;
  }

  /**
   * UnlockTimeSkipping. With no lock outstanding it releases a hold instead, as the test server's
   * single counter does (so two results awaited at once each unlock); with nothing held at all
   * it fails: calls must balance.
   */
  unlock(): void {
    if (this.locks > 0) this.locks--;
    else if (this.holding > 0) this.borrowed++;
    else throw new TimeSkippingNotLocked('time skipping is not locked: every UnlockTimeSkipping needs an earlier LockTimeSkipping');
    this.poke();
  }

  /**
   * UnlockTimeSkippingWithSleep: releases one lock (or, from inside an activity, that activity's
   * hold) until the clock has moved `durationMs` on, then resolves. With nothing else holding the
   * clock that is a skip, so it returns at once.
   */
  unlockWhileSleeping(durationMs: number): { done: Promise<void>; cancel(): void } {
    if (this.holding <= 0) {
      throw new TimeSkippingNotLocked('time skipping is not locked: UnlockTimeSkippingWithSleep needs a LockTimeSkipping or work in flight to release');
    }
    this.sleepers++;
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    let active = true;
    const end = () => {
      if (!active) return;
      active = false;
      this.sleepers--;
      release();
    };
    const timer = this.at(this.now() + Math.max(0, durationMs), end);
    this.poke();
    return {
      done,
      cancel: () => {
        timer.cancel();
        end();
      },
    };
  }

  /** Sleep / SleepUntil: resolves once the clock reaches `atMs`, changing no lock. */
  sleepUntil(atMs: number): { done: Promise<void>; cancel(): void } {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    const timer = this.at(atMs, () => release());
    return {
      done,
      cancel: () => {
        timer.cancel();
        release();
      },
    };
  }

  /** Re-checks on a later turn whether the clock may skip (the operation that poked has ended by then). */
  poke(): void {
    if (this.checkQueued || this.stopped) return;
    this.checkQueued = true;
    setImmediate(() => {
      this.checkQueued = false;
      this.check();
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
    this.waits = [];
  }

  private check(): void {
    if (this.stopped) return;
    const next = this.waits[0];
    if (next && this.holding <= 0) {
      const now = this.now();
      if (next.atMs > now) {
        this.offsetMs += next.atMs - now;
        this.onSkip(this.offsetMs);
      }
    }
    this.fireDue();
  }

  /** Fires every wait due by now (those armed while firing wait for the next check). */
  private fireDue(): void {
    const now = this.now();
    let count = 0;
    while (count < this.waits.length && this.waits[count].atMs <= now) count++;
    if (count > 0) {
      const due = this.waits.splice(0, count);
      for (const wait of due) {
        if (wait.cancelled || this.stopped) continue;
        wait.cancelled = true;
        wait.fire();
      }
      this.poke();
    }
    this.armWallTimer();
  }

  /** One real timer, for the earliest wait, covers the time that passes at wall pace. */
  private armWallTimer(): void {
    const next = this.waits[0];
    const atMs = next ? next.atMs : Infinity;
    if (atMs === this.wallTimerAtMs && this.wallTimer) return;
    if (this.wallTimer) clearTimeout(this.wallTimer);
    this.wallTimer = undefined;
    this.wallTimerAtMs = atMs;
    if (!next || this.stopped) return;
    this.wallTimer = setTimeout(
      () => {
        this.wallTimer = undefined;
        this.wallTimerAtMs = Infinity;
        this.fireDue();
      },
      Math.min(Math.max(0, atMs - this.now()), MAX_TIMEOUT_MS),
    );
    this.wallTimer.unref();
  }
}
