/**
 * `npm run bench:devserver [-- --repeats N] [-- --quick]`: devserver throughput with the real SDK worker
 * and client, in process. Reports medians of
 *   (a) one no-op activity round trip (measured inside the workflow, after a first activity),
 *   (b) a workflow of sequential no-op activities (ms per activity),
 *   (c) many concurrent short workflows, each running one no-op activity (wall time),
 *   (d) for reference, the same sequential cycle driven by raw gRPC calls without the SDK worker:
 *       the server's share of (b) (no target; see raw-protocol.ts).
 * Writes bench/results/devserver.json.
 */
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startDevServer } from '../src/index';
import { rawSequentialActivities } from './raw-protocol';
import { sequentialNoops, singleNoopRoundTrip } from './workflows';

interface BenchOptions {
  repeats: number;
  quick: boolean;
}

interface Measurement {
  name: string;
  unit: string;
  samples: number[];
  median: number;
  /** Absent for reference measurements, which have no target. */
  target?: number;
  pass?: boolean;
}

const FULL = { sequential: 200, concurrent: 500 };
const QUICK = { sequential: 50, concurrent: 100 };
const TARGET_MS_PER_ACTIVITY = 5;
const TARGET_CONCURRENT_MS_PER_500 = 20_000;

function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { repeats: 5, quick: false };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--quick') options.quick = true;
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function measurement(name: string, unit: string, samples: number[], target?: number): Measurement {
  const value = median(samples);
  const result: Measurement = { name, unit, samples: samples.map((s) => Math.round(s * 100) / 100), median: Math.round(value * 100) / 100 };
  if (target !== undefined) Object.assign(result, { target, pass: value < target });
  return result;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // Recorded with the results: on a shared 2-core machine the load explains much of the spread.
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const sizes = options.quick ? QUICK : FULL;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  console.log(`bench:devserver: ${options.repeats} repeats, ${sizes.sequential} sequential activities, ${sizes.concurrent} concurrent workflows${options.quick ? ' (quick)' : ''}`);

  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, 'workflows.ts'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} },
  });
  const server = await startDevServer({ port: 0, log: (level, message) => level === 'error' && console.error(message) });
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
  const run = (count: number) =>
    client.workflow.execute(sequentialNoops, { taskQueue, workflowId: `bench-${randomUUID()}`, args: [count] });

  await worker.runUntil(async () => {
    await run(5); // warm-up: worker caches, JIT, sticky queue

    const single: number[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      single.push(await client.workflow.execute(singleNoopRoundTrip, { taskQueue, workflowId: `bench-${randomUUID()}` }));
    }
    results.push(measurement('one no-op activity round trip', 'ms', single, TARGET_MS_PER_ACTIVITY));

    const perActivity: number[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) perActivity.push((await run(sizes.sequential)) / sizes.sequential);
    results.push(measurement(`${sizes.sequential} sequential no-op activities`, 'ms/activity', perActivity, TARGET_MS_PER_ACTIVITY));

    const concurrentTarget = (TARGET_CONCURRENT_MS_PER_500 * sizes.concurrent) / 500;
    const wall: number[] = [];
    for (let repeat = 0; repeat < options.repeats; repeat++) {
      const started = performance.now();
      await Promise.all(Array.from({ length: sizes.concurrent }, () => run(1)));
      wall.push(performance.now() - started);
    }
    results.push(measurement(`${sizes.concurrent} concurrent workflows (1 activity each)`, 'ms total', wall, concurrentTarget));
  });

  const raw: number[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) raw.push((await rawSequentialActivities(client, sizes.sequential)) / sizes.sequential);
  results.push(measurement(`${sizes.sequential} sequential activities, raw gRPC, no SDK (server share)`, 'ms/activity', raw));

  await connection.close();
  await nativeConnection.close();
  await server.stop();

  printTable(results);
  const output = {
    benchmark: 'devserver',
    recordedAt: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, platform: `${os.platform()} ${os.arch()}`, loadAverageAtStart: loadAtStart },
    options: { ...options, ...sizes },
    results,
  };
  const file = path.resolve(__dirname, '../../bench/results/devserver.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
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
