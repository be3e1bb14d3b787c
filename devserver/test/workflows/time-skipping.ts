/** Workflows of the time-skipping tests: long timers, timeouts and backoffs, read in workflow time. */
import { ActivityFailure, condition, defineSignal, proxyActivities, setHandler, sleep, TimeoutFailure, workflowInfo } from '@temporalio/workflow';

export interface TimeSkippingActivities {
  /** Waits `sleepMs` on the test server's clock (the test environment's sleep), then answers. */
  sleepOnServerClock(sleepMs: number): Promise<string>;
  /** Fails until attempt `succeedOn`, then returns the attempt number. */
  failUntilAttempt(succeedOn: number): Promise<number>;
}

/** Workflow time (Date.now()) before and after one durable timer. */
export async function sleepFor(ms: number): Promise<{ before: number; after: number }> {
  const before = Date.now();
  await sleep(ms);
  return { before, after: Date.now() };
}

/** Starts every timer at once; answers the order they fired in with the workflow time of each. */
export async function concurrentTimers(delaysMs: number[]): Promise<{ startedAt: number; fired: { delayMs: number; at: number }[] }> {
  const startedAt = Date.now();
  const fired: { delayMs: number; at: number }[] = [];
  await Promise.all(delaysMs.map((delayMs) => sleep(delayMs).then(() => fired.push({ delayMs, at: Date.now() }))));
  return { startedAt, fired };
}

/** Runs an activity that outlives its start-to-close timeout; answers the timeout the workflow saw. */
export async function activityOutlivingItsTimeout(startToCloseMs: number, activitySleepMs: number): Promise<string> {
  const { sleepOnServerClock } = proxyActivities<TimeSkippingActivities>({ startToCloseTimeout: startToCloseMs, retry: { maximumAttempts: 1 } });
  try {
    return await sleepOnServerClock(activitySleepMs);
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) return `timed out: ${error.cause.timeoutType}`;
    throw error;
  }
}

/** An activity retried with long backoffs (1 h, then 2 h): answers the attempt that succeeded. */
export async function retriedWithLongBackoff(succeedOn: number): Promise<number> {
  const { failUntilAttempt } = proxyActivities<TimeSkippingActivities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 hour', backoffCoefficient: 2, maximumAttempts: succeedOn },
  });
  return failUntilAttempt(succeedOn);
}

/** Never finishes by itself: its execution timeout ends it. */
export async function waitsForSignalThatNeverComes(): Promise<void> {
  await new Promise<never>(() => undefined);
}

/** Started by a schedule: answers the workflow time of its first task. */
export async function stampStartTime(): Promise<{ workflowId: string; at: number }> {
  return { workflowId: workflowInfo().workflowId, at: Date.now() };
}

// ---- Shapes of Temporal's TypeScript samples that test with createTimeSkipping() ----------------

export interface ReminderActivities {
  sendReminder(text: string): Promise<void>;
  processOrder(): Promise<void>;
}

export const completeSignal = defineSignal('complete');

/** sleep-for-days: a reminder, then a sleep of `days`, over and over until signalled. */
export async function remindEveryFewDays(days: number): Promise<string> {
  const { sendReminder } = proxyActivities<ReminderActivities>({ startToCloseTimeout: '1 minute' });
  let complete = false;
  setHandler(completeSignal, () => void (complete = true));
  while (!complete) {
    await sendReminder(`every ${days} days`);
    await sleep(days * 86_400_000);
  }
  return 'done';
}

/** timer-examples: processing an order races a reminder timer; answers whether the reminder went out. */
export async function orderWithReminder(remindAfterMs: number): Promise<boolean> {
  const { sendReminder, processOrder } = proxyActivities<ReminderActivities>({ startToCloseTimeout: '7 days' });
  let processed = false;
  const processing = processOrder().then(() => void (processed = true));
  const inTime = await condition(() => processed, remindAfterMs);
  if (!inTime) await sendReminder('your order is delayed');
  await processing;
  return !inTime;
}
