/// <reference lib="dom" />
/**
 * Temporal's Web UI, served by our devserver, in headless Chromium: one sparkifyEtl run on the
 * small fixture, with one activity held while it heartbeats (pending activities) and one attempt
 * failed on purpose (a retried failure in history). Screenshots go to test-artifacts/.
 *
 * What the pages must show is computed from the run itself over gRPC (its history, its result),
 * not from the UI.
 */
import * as fs from 'node:fs';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Page } from 'puppeteer-core';
import { startDevServer, type DevServer } from '../../devserver/src';
import { startTogether } from '../../devserver/test/helpers/start-together';
import * as sparkifyActivities from '../../src/activities';
import { bundleSparkifyWorkflows, createSparkifyWorker } from '../../src/worker';
import { sparkifyEtl } from '../../src/workflows';
import { launchChromium, type TestBrowser } from '../helpers/chromium';
import { fixturePath, readExpected, useIsolatedSparkifyHome } from '../workflows/support';

jest.setTimeout(180_000);

const FIXTURE = 'sparkify-small';
const INJECTED_FAILURE = 'injected failure: insertTime attempt 1 (web UI test)';
const HELD_DETAILS = { heldBy: 'web UI test', rowsCommitted: 7 };

let server: DevServer;
let env: TestWorkflowEnvironment;
let browser: TestBrowser;
let home: string;

beforeAll(async () => {
  if (!Runtime._instance) Runtime.install({ logger: new DefaultLogger('WARN') });
  home = useIsolatedSparkifyHome();
  server = await startDevServer({ port: 0, uiPort: 0 });
  [env, browser] = await startTogether(
    { start: TestWorkflowEnvironment.createFromExistingServer({ address: server.address }), close: (started) => started.teardown() },
    { start: launchChromium(), close: (started) => started.close() },
  );
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await env?.teardown();
  await server?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** Loads `route` of the UI and waits until the page's text contains every one of `texts`. */
async function openAndWaitFor(page: Page, route: string, texts: string[], timeoutMs = 30_000): Promise<string> {
  await page.goto(`${server.uiUrl}${route}`, { waitUntil: 'domcontentloaded' });
  return waitForTexts(page, texts, timeoutMs);
}

async function waitForTexts(page: Page, texts: string[], timeoutMs = 30_000): Promise<string> {
  try {
    await page.waitForFunction((wanted: string[]) => wanted.every((text) => document.body.innerText.includes(text)), { timeout: timeoutMs, polling: 200 }, texts);
  } catch (error) {
    const body = await page.evaluate(() => document.body.innerText).catch(() => '');
    const missing = texts.filter((text) => !body.includes(text));
    throw new Error(`${page.url()} never showed ${JSON.stringify(missing)}; it shows:\n${body.slice(0, 3000)}`, { cause: error });
  }
  return page.evaluate(() => document.body.innerText);
}

it('shows a Sparkify run: list, history with every activity, a retried failure, a held activity with heartbeat details, the progress query', async () => {
  const expected = readExpected(FIXTURE);
  const taskQueue = `web-ui-${Date.now()}`;
  const workflowId = `web-ui-small-${Date.now()}`;

  // copyStagingSongs heartbeats its details and waits until the browser has seen them.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let heldAttempts = 0;
  const activities: Partial<typeof sparkifyActivities> = {
    async copyStagingSongs(input) {
      if (heldAttempts++ === 0) {
        Context.current().heartbeat(HELD_DETAILS);
        await Promise.race([released, Context.current().cancelled]);
      }
      return sparkifyActivities.copyStagingSongs(input);
    },
    async insertTime(handle) {
      if (Context.current().info.attempt === 1) throw ApplicationFailure.retryable(INJECTED_FAILURE, 'InjectedFailure');
      return sparkifyActivities.insertTime(handle);
    },
  };
  const worker = await createSparkifyWorker({ connection: env.nativeConnection, taskQueue, workflowBundle: await bundleSparkifyWorkflows(), activities });
  const { page, errors } = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  // Every API answer that is not a success, to tell which call a console error is about.
  const failedCalls: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failedCalls.push(`${response.status()} ${response.request().method()} ${response.url().replace(server.uiUrl!, '')}`);
  });
  const runPage = (tab: string) => `/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${handle.firstExecutionRunId}/${tab}`;

  const handle = await env.client.workflow.start(sparkifyEtl, {
    taskQueue,
    workflowId,
    args: [{ source: { type: 'local', path: fixturePath(FIXTURE) } }],
  });
  const result = await worker.runUntil(async () => {
    // The held activity, with the heartbeat details the worker recorded, as the server describes it.
    await waitUntil(async () => (await handle.describe()).raw.pendingActivities?.some((a) => a.activityType?.name === 'copyStagingSongs' && a.heartbeatDetails) ?? false);
    const pendingText = await openAndWaitFor(page, runPage('pending-activities'), ['copyStagingSongs', 'rowsCommitted', 'web UI test']);
    expect(pendingText).toContain('Running');
    await browser.screenshot(page, 'web-ui-pending-activity');

    // The progress query answers from the running workflow through the UI.
    await openAndWaitFor(page, runPage('query'), ['Run Query']);
    const queryTypes = await page.evaluate(() => Array.from(document.querySelectorAll('option, [role="option"]')).map((o) => (o as HTMLOptionElement).value || o.textContent?.trim()));
    expect(queryTypes).toContain('progress');
    await clickText(page, 'button', 'Run Query');
    await waitForTexts(page, ['"stage"', '"files"']);
    await browser.screenshot(page, 'web-ui-query');

    release();
    return handle.result();
  });
  expect(result.tables).toEqual(expected.tables);

  // Independently of the UI: the run's history over gRPC.
  const history = await handle.fetchHistory();
  const scheduled = (history.events ?? []).filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name!);
  const activityTypes = [...new Set(scheduled)];
  expect(activityTypes).toEqual(expect.arrayContaining(['provisionWarehouse', 'createTables', 'planStaging', 'copyStagingEvents', 'copyStagingSongs', 'insertUsers', 'insertSongs', 'insertArtists', 'insertTime', 'insertSongplays', 'checkQuality', 'teardownWarehouse']));
  const retriedStart = (history.events ?? []).find((e) => e.activityTaskStartedEventAttributes?.lastFailure?.message === INJECTED_FAILURE);
  expect(retriedStart?.activityTaskStartedEventAttributes?.attempt).toBe(2);

  // Workflows list: the run, Completed.
  const listText = await openAndWaitFor(page, '/namespaces/default/workflows', [workflowId, 'Completed', 'sparkifyEtl']);
  expect(listText).toContain('Completed');
  await browser.screenshot(page, 'web-ui-workflows');

  // History: every activity type the run scheduled.
  await openAndWaitFor(page, runPage('history'), ['Completed', ...activityTypes]);
  await browser.screenshot(page, 'web-ui-history');

  // The retried attempt's failure message, on its ActivityTaskStarted event.
  await openAndWaitFor(page, runPage(`history/events/${retriedStart!.eventId}`), [INJECTED_FAILURE]);
  await browser.screenshot(page, 'web-ui-failed-attempt');

  expect(failedCalls).toEqual([]);
  expect(errors).toEqual([]);
});

it("the run page's actions reach the server: signal, request cancellation, terminate", async () => {
  // No worker polls this queue: the run stays Running with its first workflow task pending.
  const workflowId = `web-ui-actions-${Date.now()}`;
  const handle = await env.client.workflow.start(sparkifyEtl, {
    taskQueue: `web-ui-no-worker-${Date.now()}`,
    workflowId,
    args: [{ source: { type: 'local', path: fixturePath(FIXTURE) } }],
  });
  const { page, errors } = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  const eventTypes = async () => (await handle.fetchHistory()).events!.map((e) => e.eventType);
  const { EventType } = (await import('@temporalio/proto')).temporal.api.enums.v1;
  await openAndWaitFor(page, `/namespaces/default/workflows/${workflowId}/${handle.firstExecutionRunId}/history`, ['Running', workflowId, 'Request Cancellation']);

  await clickVisible(page, '#workflow-actions-menu-button');
  await clickVisible(page, '[data-testid="signal-button"]');
  await typeVisible(page, '[data-testid="signal-confirmation-modal"] input[data-testid="signal-name"]', 'sentFromTheWebUi');
  await clickVisible(page, '[data-testid="signal-confirmation-modal"] [data-testid="confirm-modal-button"]');
  await waitUntil(async () => (await eventTypes()).includes(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), 20_000);
  const signalled = (await handle.fetchHistory()).events!.find((e) => e.workflowExecutionSignaledEventAttributes);
  expect(signalled!.workflowExecutionSignaledEventAttributes!.signalName).toBe('sentFromTheWebUi');

  await clickVisible(page, '#workflow-actions-primary-button');
  await clickVisible(page, '[data-testid="cancel-confirmation-modal"] [data-testid="confirm-modal-button"]');
  await waitUntil(async () => (await eventTypes()).includes(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED), 20_000);

  await clickVisible(page, '#workflow-actions-menu-button');
  await clickVisible(page, '[data-testid="terminate-button"]');
  await typeVisible(page, '[data-testid="terminate-confirmation-modal"] input#workflow-termination-reason', 'terminated from the web UI');
  await clickVisible(page, '[data-testid="terminate-confirmation-modal"] [data-testid="confirm-modal-button"]');
  await waitUntil(async () => (await handle.describe()).status.name === 'TERMINATED', 20_000);
  const terminated = (await handle.fetchHistory()).events!.at(-1)!;
  // The UI appends where the termination came from to the reason typed.
  expect(terminated.workflowExecutionTerminatedEventAttributes?.reason).toBe('terminated from the web UI Terminated from the Web UI');
  await waitForTexts(page, ['Terminated']);
  await browser.screenshot(page, 'web-ui-terminated');
  expect(errors).toEqual([]);
});

/** Clicks the visible element matching `selector` (the UI renders some controls twice, for narrow and wide screens). */
async function clickVisible(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel)).some((el) => el.offsetParent !== null && !(el as HTMLButtonElement).disabled),
    { timeout: 15_000, polling: 100 },
    selector,
  );
  await page.evaluate((sel: string) => {
    Array.from(document.querySelectorAll<HTMLElement>(sel))
      .find((el) => el.offsetParent !== null && !(el as HTMLButtonElement).disabled)!
      .click();
  }, selector);
}

/** Types into the visible input matching `selector`. */
async function typeVisible(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction((sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel)).some((el) => el.offsetParent !== null), { timeout: 15_000, polling: 100 }, selector);
  await page.evaluate((sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel)).find((el) => el.offsetParent !== null)!.focus(), selector);
  await page.keyboard.type(text);
}

async function clickText(page: Page, selector: string, text: string): Promise<void> {
  const clicked = await page.evaluate(
    (sel: string, wanted: string) => {
      const element = Array.from(document.querySelectorAll<HTMLElement>(sel)).find((el) => el.innerText.trim() === wanted);
      element?.click();
      return !!element;
    },
    selector,
    text,
  );
  if (!clicked) throw new Error(`no ${selector} "${text}" on ${page.url()}`);
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

