/** Benchmark workflows: elapsed times are taken inside the workflow, between workflow task activations. */
import { proxyActivities, sleep } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30s' });

/** Milliseconds from scheduling `count` no-op activities one after another to the last result. */
export async function sequentialNoops(count: number): Promise<number> {
  const started = Date.now();
  for (let index = 0; index < count; index++) await noop();
  return Date.now() - started;
}

/**
 * One activity round trip, measured from the workflow task that schedules it to the one that sees its
 * result. A first activity runs before, so workflow start-up (new sandbox context, first task on the
 * normal queue) is not counted.
 */
export async function singleNoopRoundTrip(): Promise<number> {
  await noop();
  const started = Date.now();
  await noop();
  return Date.now() - started;
}

/** What a schedule starts to measure its delay: returns the time its first workflow task started. */
export async function scheduledNoop(): Promise<number> {
  return Date.now();
}

/** Sleeps `days` on the server's clock: under time skipping its wall time is the server's and the worker's work alone. */
export async function sleepForDays(days: number): Promise<number> {
  const started = Date.now();
  await sleep(days * 86_400_000);
  return Date.now() - started;
}
