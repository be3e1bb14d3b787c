/** Benchmark workflows: elapsed times are taken inside the workflow, between workflow task activations. */
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30s' });

/** Milliseconds from scheduling `count` no-op activities one after another to the last result. */
export async function sequentialNoops(count: number): Promise<number> {
  const started = Date.now();
  for (let index = 0; index < count; index++) await noop();
  return Date.now() - started;
}
