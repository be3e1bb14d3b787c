/**
 * Temporal's TestService (temporal.api.testservice.v1), served when the devserver runs as a
 * time-skipping test server. Semantics follow Temporal's test server: a lock counter that the SDK's
 * test environment holds at start and releases while it awaits a workflow result; Sleep and
 * SleepUntil wait on the server's clock; UnlockTimeSkippingWithSleep releases one lock until the
 * clock has moved on by the duration; GetCurrentTime reads the clock.
 */
import type { SkippingClock } from '../engine/clock';
import { TimeSkippingNotLocked } from '../engine/clock';
import type { CallContext, UnaryHandler } from '../grpc/service';
import { failedPrecondition, invalidArgument } from '../grpc/errors';
import { Msg, durationToMs, msToTimestamp, timestampToMs } from '../proto';

function waitUntilDone(wait: { done: Promise<void>; cancel(): void }, context: CallContext): Promise<Msg> {
  // A caller that gives up (deadline, cancellation) takes its wait, and any lock it released, back.
  const stopListening = context.onCancel(() => wait.cancel());
  return wait.done.then(() => {
    stopListening();
    return {};
  });
}

function durationOf(request: Msg, method: string): number {
  const ms = durationToMs(request.duration);
  if (ms < 0) throw invalidArgument(`${method}: duration must not be negative`);
  return ms;
}

export function testServiceHandlers(clock: SkippingClock): Record<string, UnaryHandler> {
  const guarded = <T>(method: string, work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof TimeSkippingNotLocked) throw failedPrecondition(`${method}: ${error.message}`);
      throw error;
    }
  };
  return {
    LockTimeSkipping() {
      clock.lock();
      return {};
    },

    UnlockTimeSkipping() {
      guarded('UnlockTimeSkipping', () => clock.unlock());
      return {};
    },

    UnlockTimeSkippingWithSleep(request, context) {
      const durationMs = durationOf(request, 'UnlockTimeSkippingWithSleep');
      const wait = guarded('UnlockTimeSkippingWithSleep', () => clock.unlockWhileSleeping(durationMs));
      return waitUntilDone(wait, context);
    },

    Sleep(request, context) {
      const durationMs = durationOf(request, 'Sleep');
      return waitUntilDone(clock.sleepUntil(clock.now() + durationMs), context);
    },

    SleepUntil(request, context) {
      if (!request.timestamp) throw invalidArgument('SleepUntil: timestamp is required');
      return waitUntilDone(clock.sleepUntil(timestampToMs(request.timestamp)), context);
    },

    GetCurrentTime() {
      return { time: msToTimestamp(clock.now()) };
    },
  };
}
