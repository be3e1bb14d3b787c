/**
 * `npm run bench:devserver [-- --repeats N] [-- --quick] [-- --server-process | --both-modes]`: devserver
 * throughput with the real SDK worker and client. Reports medians of
 *   (a) one no-op activity round trip (measured inside the workflow, after a first activity),
 *   (b) a workflow of sequential no-op activities (ms per activity),
 *   (c) many concurrent short workflows, each running one no-op activity (wall time),
 *   (d) for reference, the same sequential cycle driven by raw gRPC calls without the SDK worker
 *       (no target; see raw-protocol.ts),
 * and the split of (b): per activity, the server's measured handler time (its per-method counters),
 * the rest (SDK worker and transport), and, with the server in its own process, that process's CPU.
 * The server runs in the benchmark's process by default, in a child process with --server-process
 * (as users run it), or both ways with --both-modes. Writes bench/results/latest/devserver.json (git-ignored).
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawSequentialActivities } from './raw-protocol';
import { BenchServer, ServerCounters, ServerMode, startBenchServer } from './server-process';
import { sequentialNoops, singleNoopRoundTrip } from './workflows';
import { median } from './numbers';

interface BenchOptions {
  repeats: number;
  quick: boolean;
  modes: ServerMode[];
}

interface Measurement {
  name: string;
  unit: string;
  samples: number[];
  median: number;
  /** Absent for reference measurements, which have no target. */
  target?: number;
  pass?: boolean;
  /** Where the server ran. */
  mode: ServerMode;
}

/** Where the time of one sequential activity goes (medians over the repeats of measurement b). */
interface SequentialSplit {
  mode: ServerMode;
  msPerActivity: number;
  /** Server work per activity: decode, handler and encode of every call, summed over methods. */
  serverHandlerMsPerActivity: number;
  /** msPerActivity minus the server's handler time: the SDK worker, gRPC on both sides, scheduling. */
  restMsPerActivity: number;
  /**
   * The rest, measured by the server: per activity, the time its workflow tasks and its activity
   * task spent away (answer sent → completion arrived: worker plus transport both ways), and what
   * neither handlers nor those legs cover (the workflow's own start and end, timers' slack).
   */
  workflowTaskAtWorkerMsPerActivity: number;
  activityTaskAtWorkerMsPerActivity: number;
  otherMsPerActivity: number;
  /** CPU of the server's own process per activity (handlers plus HTTP/2 and gRPC framing); server-process mode only. */
  serverProcessCpuMsPerActivity?: number;
  /** Per method: calls per activity and handler milliseconds per call. */
  methods: Record<string, { callsPerActivity: number; handlerMsPerCall: number }>;
}

const FULL = { sequential: 200, concurrent: 500 };
const QUICK = { sequential: 50, concurrent: 100 };
const TARGET_MS_PER_ACTIVITY = 5;
const TARGET_CONCURRENT_MS_PER_500 = 20_000;

function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { repeats: 5, quick: false, modes: ['in-process'] };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--server-process') options.modes = ['server-process'];
    else if (arg === '--both-modes') options.modes = ['in-process', 'server-process'];
    else if (arg === '--repeats' || arg.startsWith('--repeats=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : argv[++index];
      const repeats = Number(value);
      if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats needs a positive integer; got '${value}'`);
      options.repeats = repeats;
    } else {
      console.warn(`bench:devserver: ignoring unknown argument '${arg}'`);
    }
  }
  return options;
}

const round2 = (value: number) => Math.round(value * 100) / 100;
const round3 = (value: number) => Math.round(value * 1000) / 1000;

function measurement(mode: ServerMode, name: string, unit: string, samples: number[], target?: number): Measurement {
  const value = median(samples);
  // In-process names stay as they always were, so results compare across runs; the other mode says so.
  const label = mode === 'in-process' ? name : `${name} [server process]`;
  const result: Measurement = { name: label, unit, samples: samples.map(round2), median: round2(value), mode };
  if (target !== undefined) Object.assign(result, { target, pass: value < target });
  return result;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // Recorded with the results: on a shared 2-core machine the load explains much of the spread.
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const sizes = options.quick ? QUICK : FULL;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(
    `bench:devserver: ${options.repeats} repeats, ${sizes.sequential} sequential activities, ${sizes.concurrent} concurrent workflows${options.quick ? ' (quick)' : ''}; server ${options.modes.join(' and ')}`,
  );

  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, 'workflows.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} },
  });
  const results: Measurement[] = [];
  const splits: SequentialSplit[] = [];
  for (const mode of options.modes) {
    const server = await startBenchServer(mode);
    try {
      const outcome = await measureMode(server, workflowBundle, options, sizes);
      results.push(...outcome.results);
      splits.push(outcome.split);
    } finally {
      await server.stop();
    }
  }

  printTable(results);
  printSplits(splits);
  const output = {
    benchmark: 'devserver',
    recordedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverageAtStart: loadAtStart },
    options: { ...options, ...sizes },
    results,
    sequentialSplit: splits,
  };
  const file = path.resolve(__dirname, '../../bench/results/latest/devserver.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
}

async function measureMode(
  server: BenchServer,
  workflowBundle: { code: string },
  options: BenchOptions,
  sizes: typeof FULL,
): Promise<{ results: Measurement[]; split: SequentialSplit }> {
  const mode = server.mode;
  const connection = await Connection.connect({ address: server.address });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const client = new Client({ connection });
  const taskQueue = `bench-${randomUUID()}`;
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    workflowBundle,
    activities: { async noop() {} },
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentActivityTaskExecutions: 200,
  });
  const results: Measurement[] = [];
  const samples: SplitSample[] = [];
  const run = (count: number) =>
    client.workflow.execute(sequentialNoops, { taskQueue, workflowId: `bench-${randomUUID()}`, args: [count] });

  await worker.runUntil(async () => {
    await run(5); // warm-up: worker caches, JIT, sticky queue

    const single: number[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      single.push(await client.workflow.execute(singleNoopRoundTrip, { taskQueue, workflowId: `bench-${randomUUID()}` }));
    }
    results.push(measurement(mode, 'one no-op activity round trip', 'ms', single, TARGET_MS_PER_ACTIVITY));

    const perActivity: number[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const before = await server.counters();
      const elapsed = await run(sizes.sequential);
      const after = await server.counters();
      perActivity.push(elapsed / sizes.sequential);
      samples.push({ msPerActivity: elapsed / sizes.sequential, before, after, activities: sizes.sequential });
    }
    results.push(measurement(mode, `${sizes.sequential} sequential no-op activities`, 'ms/activity', perActivity, TARGET_MS_PER_ACTIVITY));

    const concurrentTarget = (TARGET_CONCURRENT_MS_PER_500 * sizes.concurrent) / 500;
    const wall: number[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const started = performance.now();
      await Promise.all(Array.from({ length: sizes.concurrent }, () => run(1)));
      wall.push(performance.now() - started);
    }
    results.push(measurement(mode, `${sizes.concurrent} concurrent workflows (1 activity each)`, 'ms total', wall, concurrentTarget));
  });

  const raw: number[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) raw.push((await rawSequentialActivities(client, sizes.sequential)) / sizes.sequential);
  results.push(measurement(mode, `${sizes.sequential} sequential activities, raw gRPC, no SDK (server share)`, 'ms/activity', raw));

  await connection.close();
  await nativeConnection.close();
  return { results, split: sequentialSplit(mode, samples) };
}

interface SplitSample {
  msPerActivity: number;
  activities: number;
  before: ServerCounters;
  after: ServerCounters;
}

/** Per-activity server time from the counter differences around each sequential run; medians over runs. */
function sequentialSplit(mode: ServerMode, samples: SplitSample[]): SequentialSplit {
  const handlerPerActivity = samples.map((sample) => {
    let total = 0;
    for (const [method, after] of Object.entries(sample.after.methods)) total += after.handlerMs - (sample.before.methods[method]?.handlerMs ?? 0);
    return total / sample.activities;
  });
  const legPerActivity = (sample: SplitSample, kind: 'workflowTask' | 'activityTask') =>
    (sample.after.workerTime[kind].ms - sample.before.workerTime[kind].ms) / sample.activities;
  const workflowLegs = samples.map((sample) => legPerActivity(sample, 'workflowTask'));
  const activityLegs = samples.map((sample) => legPerActivity(sample, 'activityTask'));
  const msPerActivity = median(samples.map((sample) => sample.msPerActivity));
  const serverHandlerMsPerActivity = median(handlerPerActivity);
  const split: SequentialSplit = {
    mode,
    msPerActivity: round2(msPerActivity),
    serverHandlerMsPerActivity: round3(serverHandlerMsPerActivity),
    restMsPerActivity: round2(median(samples.map((sample, index) => sample.msPerActivity - handlerPerActivity[index]))),
    workflowTaskAtWorkerMsPerActivity: round2(median(workflowLegs)),
    activityTaskAtWorkerMsPerActivity: round2(median(activityLegs)),
    otherMsPerActivity: round2(median(samples.map((sample, index) => sample.msPerActivity - handlerPerActivity[index] - workflowLegs[index] - activityLegs[index]))),
    methods: {},
  };
  if (samples.every((sample) => sample.before.cpuMs !== undefined)) {
    split.serverProcessCpuMsPerActivity = round3(median(samples.map((sample) => (sample.after.cpuMs! - sample.before.cpuMs!) / sample.activities)));
  }
  const methods = new Set(samples.flatMap((sample) => Object.keys(sample.after.methods)));
  for (const method of methods) {
    const calls = samples.map((sample) => (sample.after.methods[method]?.calls ?? 0) - (sample.before.methods[method]?.calls ?? 0));
    if (calls.every((count) => count === 0)) continue;
    const msPerCall = samples
      .map((sample, index) => (calls[index] > 0 ? ((sample.after.methods[method]?.handlerMs ?? 0) - (sample.before.methods[method]?.handlerMs ?? 0)) / calls[index] : NaN))
      .filter((value) => !Number.isNaN(value));
    split.methods[method] = { callsPerActivity: round3(median(calls.map((count, index) => count / samples[index].activities))), handlerMsPerCall: round3(median(msPerCall)) };
  }
  return split;
}

function printSplits(splits: SequentialSplit[]): void {
  for (const split of splits) {
    console.log(`\nsequential activity split, server ${split.mode} (medians per activity):`);
    console.log(`  total                          ${split.msPerActivity} ms`);
    console.log(`  server handlers                ${split.serverHandlerMsPerActivity} ms`);
    console.log(`  rest (SDK worker + transport)  ${split.restMsPerActivity} ms, of which`);
    console.log(`    workflow task at the worker    ${split.workflowTaskAtWorkerMsPerActivity} ms (answer sent -> completion arrived)`);
    console.log(`    activity task at the worker    ${split.activityTaskAtWorkerMsPerActivity} ms (answer sent -> completion arrived)`);
    console.log(`    other                          ${split.otherMsPerActivity} ms`);
    if (split.serverProcessCpuMsPerActivity !== undefined) console.log(`  server process CPU             ${split.serverProcessCpuMsPerActivity} ms (handlers + HTTP/2 + GC)`);
    const rows = Object.entries(split.methods).filter(([, m]) => m.callsPerActivity >= 0.1);
    for (const [method, m] of rows) console.log(`    ${method.padEnd(30)} ${String(m.callsPerActivity).padStart(6)} calls/activity  ${m.handlerMsPerCall} ms/call`);
  }
}

function printTable(results: Measurement[]): void {
  const rows = results.map((r) => [
    r.name,
    `${r.median} ${r.unit}`,
    r.target === undefined ? '(reference)' : `< ${r.target} ${r.unit}`,
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const header = ['measurement (median)', 'value', 'target', 'result'];
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column])).join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of rows) console.log(line(row));
}

main().catch((error: unknown) => {
  console.error(`bench:devserver failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  process.exit(1);
});
