/**
 * `npm run bench:schedules [-- --repeats N] [-- --runs N]`: how late a schedule's workflow starts.
 * An in-process devserver and the real SDK worker; an interval schedule of one second takes `runs`
 * actions per repeat; each run's delay is its workflow's start time minus its scheduled time (the
 * TemporalScheduledStartTime search attribute), read back with ListWorkflowExecutions, and, second,
 * the time its first workflow task started at the worker (the workflow returns it) minus the
 * scheduled time. Prints the median of each repeat and the median of those; writes
 * bench/results/latest/schedules.json (git-ignored).
 */
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevServer } from '../src';
import { scheduledNoop } from './workflows';
import { median, numberOption } from './numbers';

async function main(): Promise<void> {
  const repeats = numberOption('--repeats', 3);
  const runs = numberOption('--runs', 10);
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startDevServer({ port: 0 });
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `schedule-bench-${randomUUID().slice(0, 8)}`;
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('ERROR') });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowBundle, activities: { async noop() {} } });
  const running = worker.run();
  const medians: number[] = [];
  const samples: number[][] = [];
  const taskMedians: number[] = [];
  try {
    for (let repeat = 0; repeat < repeats; repeat++) {
      const scheduleId = `schedule-bench-${randomUUID().slice(0, 8)}`;
      const handle = await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1s' }] },
        action: { type: 'startWorkflow', workflowType: scheduledNoop, taskQueue, workflowId: scheduleId },
        policies: { overlap: ScheduleOverlapPolicy.ALLOW_ALL },
      });
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        if ((await handle.describe()).info.numActionsTaken >= runs) break;
      }
      await handle.delete();
      const delays: number[] = [];
      const taskDelays: number[] = [];
      for await (const workflow of client.workflow.list({ query: `TemporalScheduledById = '${scheduleId}'` })) {
        const scheduled = new Date((workflow.searchAttributes.TemporalScheduledStartTime as Date[])[0]).getTime();
        delays.push(workflow.startTime.getTime() - scheduled);
        const firstTaskAt: number = await client.workflow.getHandle(workflow.workflowId).result();
        taskDelays.push(firstTaskAt - scheduled);
      }
      samples.push(delays);
      medians.push(median(delays));
      taskMedians.push(median(taskDelays));
      console.log(
        `repeat ${repeat + 1}: ${delays.length} runs, workflow start median ${median(delays).toFixed(1)} ms (min ${Math.min(...delays)}, max ${Math.max(...delays)}), ` +
          `first workflow task median ${median(taskDelays).toFixed(1)} ms`,
      );
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await nativeConnection.close();
    await server.stop();
  }
  const result = {
    when: new Date().toISOString(),
    repeats,
    runsPerRepeat: runs,
    medianStartDelayMsPerRepeat: medians,
    medianStartDelayMs: median(medians),
    medianFirstTaskDelayMsPerRepeat: taskMedians,
    medianFirstTaskDelayMs: median(taskMedians),
    startDelaySamples: samples,
    loadAverage: os.loadavg(),
  };
  console.log(
    `schedule time → workflow start: median ${result.medianStartDelayMs.toFixed(1)} ms; → first workflow task: median ${result.medianFirstTaskDelayMs.toFixed(1)} ms ` +
      `(${repeats} repeats of ${runs} runs; load ${os.loadavg().map((v) => v.toFixed(2)).join(' ')})`,
  );
  const out = path.resolve(__dirname, '../../bench/results/latest/schedules.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
