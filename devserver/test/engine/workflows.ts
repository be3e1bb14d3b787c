/** Workflows for the engine smoke tests (bundled once per test file). */
import { ApplicationFailure, condition, defineQuery, defineSignal, proxyActivities, proxyLocalActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';

interface SmokeActivities {
  greet(name: string): Promise<string>;
}

const { greet } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '10s' });
const { slowGreet } = proxyLocalActivities<{ slowGreet(name: string): Promise<string> }>({ startToCloseTimeout: '30s' });

/** A local activity that outlives the workflow task timeout: the worker heartbeats the task meanwhile. */
export async function slowLocalActivity(name: string): Promise<string> {
  return await slowGreet(name);
}

/** One activity, one timer, then the activity's result. */
export async function activityAndTimer(name: string): Promise<string> {
  const greeting = await greet(name);
  await sleep(50);
  return `${greeting}!`;
}

export const addSignal = defineSignal<[number]>('add');
export const totalQuery = defineQuery<number>('total');

/** Sums the values signalled to it until the sum reaches `target`. */
export async function sumUntil(target: number): Promise<number> {
  let total = 0;
  setHandler(addSignal, (value: number) => {
    total += value;
  });
  setHandler(totalQuery, () => total);
  await condition(() => total >= target);
  return total;
}

/** Fails its first two attempts with an ApplicationFailure; returns the attempt that succeeded. */
export async function failTwiceThenSucceed(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < 3) throw ApplicationFailure.create({ type: 'Flaky', message: `attempt ${attempt} failed` });
  return attempt;
}

export const proceedSignal = defineSignal('proceed');

/** Waits for `proceed`, sleeps `sleepMs`, then returns how many times it was told to proceed. */
export async function waitThenSleep(sleepMs: number): Promise<number> {
  let proceeded = 0;
  setHandler(proceedSignal, () => {
    proceeded++;
  });
  await condition(() => proceeded > 0);
  await sleep(sleepMs);
  return proceeded;
}

/** Throws a plain Error on every activation: the workflow task fails and is retried, the run stays open. */
export async function alwaysBroken(): Promise<void> {
  throw new TypeError('broken workflow code');
}

/** Collects signals while a one-second local activity runs, then returns what it collected. */
export async function collectDuringLocalActivity(): Promise<string[]> {
  const items: string[] = [];
  setHandler(itemSignal, (item: string) => void items.push(item));
  await slowGreet('collector');
  return items;
}

export const itemSignal = defineSignal<[string]>('item');
