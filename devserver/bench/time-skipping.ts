/**
 * `npm run bench:time-skipping [-- --repeats N] [-- --days D]`: the wall time of a workflow that
 * sleeps D days (default 30) under TestWorkflowEnvironment.createTimeSkipping() with the devserver
 * as its test server (`devserver/bin/temporal <port>`, a child process as the SDK starts it) and
 * the real SDK worker: from `execute()` to its result, which spans the start, the workflow task
 * that starts the timer, the skip, and the workflow task that completes the run. One warm-up run
 * first (the worker's first workflow task loads the bundle). Prints each run, the median, min and
 * max, and the start-up time of the environment; writes bench/results/latest/time-skipping.json.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sleepForDays } from './workflows';
import { median, numberOption } from './numbers';

const DAY = 86_400_000;

async function main(): Promise<void> {
  const repeats = numberOption('--repeats', 5);
  const days = numberOption('--days', 30);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const loadBefore = os.loadavg();
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('ERROR') });
  const startupBegan = performance.now();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: path.resolve(__dirname, '../bin/temporal') } },
  });
  const startupMs = performance.now() - startupBegan;
  const taskQueue = `time-skipping-bench-${randomUUID().slice(0, 8)}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities: { async noop() {} } });
  const wallMs: number[] = [];
  const virtualMs: number[] = [];
  try {
    await worker.runUntil(async () => {
      for (let run = 0; run <= repeats; run++) {
        const began = performance.now();
        const slept = await env.client.workflow.execute(sleepForDays, { taskQueue, workflowId: `${taskQueue}-${run}`, args: [days] });
        const elapsed = performance.now() - began;
        if (slept < days * DAY) throw new Error(`the workflow slept ${slept} ms of workflow time, less than ${days} days`);
        if (run === 0) {
          console.log(`warm-up: ${elapsed.toFixed(0)} ms`);
          continue;
        }
        wallMs.push(elapsed);
        virtualMs.push(slept);
        console.log(`run ${run}: ${days} days of workflow time in ${elapsed.toFixed(0)} ms of wall time`);
      }
    });
  } finally {
    await env.teardown();
  }
  const result = {
    when: new Date().toISOString(),
    days,
    repeats,
    environmentStartupMs: Math.round(startupMs),
    wallMsPerRun: wallMs.map((ms) => Math.round(ms)),
    medianWallMs: Math.round(median(wallMs)),
    minWallMs: Math.round(Math.min(...wallMs)),
    maxWallMs: Math.round(Math.max(...wallMs)),
    workflowTimeMsPerRun: virtualMs,
    loadAverageBefore: loadBefore,
    loadAverageAfter: os.loadavg(),
  };
  console.log(
    `${days}-day sleep under createTimeSkipping: median ${result.medianWallMs} ms wall time (min ${result.minWallMs}, max ${result.maxWallMs}, ${repeats} runs); ` +
      `environment start-up ${result.environmentStartupMs} ms; load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}`,
  );
  const out = path.resolve(__dirname, '../../bench/results/latest/time-skipping.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
