/**
 * Tests shaped like those of Temporal's TypeScript samples that use createTimeSkipping()
 * (sleep-for-days, timer-examples), each with its own environment as the samples have, here on the
 * devserver started through `devserver/bin/temporal <port>`. Skipped against a real server.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import * as path from 'node:path';
import { createTimeSkippingEnv } from './helpers/child-server';
import { uniqueId } from './helpers/ids';
import { installQuietRuntime, realServerAddress } from './helpers/server';
import { within } from './helpers/wait';
import { WorkflowBundle } from './helpers/worker';
import { completeSignal, orderWithReminder, ReminderActivities, remindEveryFewDays } from './workflows/time-skipping';

const describeTimeSkipping = realServerAddress ? describe.skip : describe;
const DAY = 86_400_000;

let bundle: WorkflowBundle;

beforeAll(async () => {
  installQuietRuntime();
  bundle = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, 'workflows/time-skipping.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (message: string) => console.error(message), log() {} },
  });
}, 60_000);

describeTimeSkipping('sleep-for-days shape', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, 30_000);
  afterAll(async () => {
    await env?.teardown();
  });

  test('reminds once, then once per 30 days of skipped time, until signalled', async () => {
    const taskQueue = uniqueId('sleep-for-days');
    const reminders: string[] = [];
    const activities: ReminderActivities = {
      async sendReminder(text) {
        reminders.push(text);
      },
      async processOrder() {},
    };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    const handle = await env.client.workflow.start(remindEveryFewDays, { taskQueue, workflowId: uniqueId('reminders'), args: [30] });
    const startTime = await env.currentTimeMs();
    expect(reminders).toHaveLength(0);
    await within(
      'the sample run',
      30_000,
      worker.runUntil(async () => {
        await env.sleep('5 minutes');
        expect(reminders).toHaveLength(1);
        await env.sleep('90 days');
        expect(reminders).toHaveLength(4);
        await handle.signal(completeSignal);
        expect(reminders).toHaveLength(4);
        expect((await env.currentTimeMs()) - startTime).toBeGreaterThan(90 * DAY);
        // Unlike the sample, finish the run: its last sleep ends when the result is awaited.
        expect(await handle.result()).toBe('done');
      }),
    );
    expect(reminders).toHaveLength(4);
  });
});

describeTimeSkipping('timer-examples shape', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  }, 30_000);
  afterAll(async () => {
    await env?.teardown();
  });

  async function runOrder(processOrder: (env: TestWorkflowEnvironment) => Promise<void>): Promise<{ reminded: boolean; emails: number }> {
    const taskQueue = uniqueId('timer-examples');
    let emails = 0;
    const activities: ReminderActivities = {
      async sendReminder() {
        emails++;
      },
      processOrder: () => processOrder(env),
    };
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities });
    const reminded = await within(
      'the order workflow',
      30_000,
      worker.runUntil(env.client.workflow.execute(orderWithReminder, { taskQueue, workflowId: uniqueId('order'), args: [DAY] })),
    );
    return { reminded, emails };
  }

  test('sends the reminder when processing takes longer than a day (the activity sleeps 2 days on the server clock)', async () => {
    expect(await runOrder((env) => env.sleep('2 days'))).toEqual({ reminded: true, emails: 1 });
  });

  test('sends no reminder when processing completes in time', async () => {
    expect(await runOrder(async () => undefined)).toEqual({ reminded: false, emails: 0 });
  });
});
