/**
 * `npm run bench -- --e2e`: the whole run as a user runs it (`sparkify up --json`, embedded
 * defaults, its own process) against DuckDB building the same star schema from the same files
 * (bench/duckdb/*.sql) and PostgreSQL's own COPY FROM file of the events (the staging ceiling).
 * Medians over repeats; peak memory of the `up` process and of its PostgreSQL; the load average.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import * as activities from '../src/activities';
import { openWarehouse } from '../src/warehouse/connection';
import { serverCopy, writeEventCsv } from './lib/ceiling';
import { benchDataset, type BenchDataset } from './lib/datasets';
import { PEER_TABLES, runDuckdbPeer, type PeerRun } from './lib/duckdb-peer';
import { countMismatches, parseE2eArgs, ratioTo, spread, type CountMismatch } from './lib/e2e-compare';
import { recreateTables, runActivity } from './lib/pipeline-run';
import { watchTreeMemory, type TreeMemory } from './lib/process-memory';

const root = path.resolve(__dirname, '..');

interface UpRun {
  wallSeconds: number;
  workflowSeconds: number;
  stages: Record<string, number>;
  tables: Record<string, number>;
  memory: TreeMemory;
  loadAverage: number;
}

/** One `sparkify up --source DIR --json` in a child process with its own SPARKIFY_HOME. */
async function runUp(dataset: BenchDataset): Promise<UpRun> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-e2e-home-'));
  fs.chmodSync(home, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, SPARKIFY_HOME: home };
  delete env.TEMPORAL_ADDRESS; // embedded defaults: the in-process devserver
  const started = process.hrtime.bigint();
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'up', '--source', dataset.root, '--json'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const memory = watchTreeMemory(child.pid as number);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peaks = memory.stop();
  fs.rmSync(home, { recursive: true, force: true });
  if (code !== 0) throw new Error(`sparkify up exited with ${code}:\n${stderr.slice(-2000)}`);
  const result = JSON.parse(stdout) as { ok: boolean; tables: Record<string, number>; durationsMs: Record<string, number>; totalMs: number };
  if (!result.ok) throw new Error(`sparkify up failed: ${stdout}`);
  const stages = Object.fromEntries(Object.entries(result.durationsMs).map(([stage, ms]) => [stage, ms / 1000]));
  return { wallSeconds, workflowSeconds: result.totalMs / 1000, stages, tables: result.tables, memory: peaks, loadAverage: os.loadavg()[0] };
}

/** PostgreSQL's COPY FROM file of the events (pre-converted to CSV, two parts loaded concurrently). */
async function ceilingRuns(dataset: BenchDataset, repeats: number): Promise<number[]> {
  const target = { provider: 'local' as const, warehouseId: `bench_e2e_${process.pid}` };
  const warehouse = await runActivity(activities.provisionWarehouse, target);
  const clients: Client[] = [];
  const csv = writeEventCsv(dataset.root, 2);
  try {
    for (let i = 0; i < 2; i++) clients.push(await openWarehouse(warehouse, 'benchmark'));
    const seconds: number[] = [];
    for (let r = 0; r < repeats; r++) {
      await recreateTables(warehouse);
      const sample = await serverCopy(clients, csv);
      if (sample.rows !== dataset.events) throw new Error(`server COPY loaded ${sample.rows} rows, expected ${dataset.events}`);
      seconds.push(sample.seconds);
    }
    return seconds;
  } finally {
    for (const client of clients) await client.end().catch(() => undefined);
    fs.rmSync(csv.directory, { recursive: true, force: true });
    await runActivity(activities.teardownWarehouse, target);
  }
}

const fmt = (values: number[], digits = 2) => {
  const s = spread(values);
  return `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
};

interface ScaleReport {
  events: number;
  songFiles: number;
  up: UpRun[];
  duckdb: PeerRun[];
  ceilingSeconds: number[];
  mismatches: CountMismatch[];
  ratios: { workflowToDuckdb: number; wallToDuckdb: number; stagingToDuckdbStaging: number; transformsToDuckdbTransforms: number };
}

async function benchScale(events: number, repeats: number, threads: number): Promise<ScaleReport> {
  const dataset = await benchDataset(events);
  const up: UpRun[] = [];
  const duckdb: PeerRun[] = [];
  for (let r = 0; r < repeats; r++) {
    // Alternated so that a change in the machine's load falls on both sides.
    up.push(await runUp(dataset));
    process.stdout.write('u');
    duckdb.push(await runDuckdbPeer(dataset.root, threads));
    process.stdout.write('d');
  }
  const ceilingSeconds = await ceilingRuns(dataset, repeats);
  process.stdout.write('c\n');

  const mismatches = countMismatches(up[0].tables, duckdb[0].tables, PEER_TABLES);
  const med = (values: number[]) => spread(values).median;
  const duckTotal = med(duckdb.map((d) => d.seconds));
  const duckStaging = med(duckdb.map((d) => d.steps.staging_events + d.steps.staging_songs));
  const duckTransforms = med(duckdb.map((d) => d.seconds - d.steps.staging_events - d.steps.staging_songs));
  const ratios = {
    workflowToDuckdb: ratioTo(med(up.map((u) => u.workflowSeconds)), duckTotal),
    wallToDuckdb: ratioTo(med(up.map((u) => u.wallSeconds)), duckTotal),
    stagingToDuckdbStaging: ratioTo(med(up.map((u) => u.stages.staging ?? 0)), duckStaging),
    transformsToDuckdbTransforms: ratioTo(med(up.map((u) => (u.stages.dimensions ?? 0) + (u.stages.fact ?? 0))), duckTransforms),
  };
  return { events, songFiles: dataset.songs, up, duckdb, ceilingSeconds, mismatches, ratios };
}

function printScale(report: ScaleReport): void {
  const { up, duckdb } = report;
  console.log(`\n${report.events} events, ${report.songFiles} song files — seconds, median (min–max) of ${up.length}`);
  const stages = Object.keys(up[0].stages);
  for (const stage of stages) console.log(`  ours ${stage.padEnd(22)} ${fmt(up.map((u) => u.stages[stage] ?? 0))}`);
  console.log(`  ours ${'workflow total'.padEnd(22)} ${fmt(up.map((u) => u.workflowSeconds))}`);
  console.log(`  ours ${'process wall'.padEnd(22)} ${fmt(up.map((u) => u.wallSeconds))}`);
  for (const step of Object.keys(duckdb[0].steps)) console.log(`  duckdb ${step.padEnd(20)} ${fmt(duckdb.map((d) => d.steps[step]))}`);
  console.log(`  duckdb ${'total'.padEnd(20)} ${fmt(duckdb.map((d) => d.seconds))}`);
  const ceiling = spread(report.ceilingSeconds).median;
  console.log(`  ceiling server COPY events  ${fmt(report.ceilingSeconds)} (${Math.round(report.events / ceiling)} rows/s)`);
  const r = report.ratios;
  console.log(
    `  ratio to DuckDB: workflow ${r.workflowToDuckdb.toFixed(2)}x, process wall ${r.wallToDuckdb.toFixed(2)}x, ` +
      `staging ${r.stagingToDuckdbStaging.toFixed(2)}x, dimensions+fact ${r.transformsToDuckdbTransforms.toFixed(2)}x (its five tables)`,
  );
  console.log(
    `  peak memory: up process (worker + devserver + client) ${fmt(up.map((u) => u.memory.nodePeakMb), 0)} MB RSS, ` +
      `PostgreSQL ${fmt(up.map((u) => u.memory.postgresPeakMb), 0)} MB PSS; load average (1 min) at each run's end ${fmt(up.map((u) => u.loadAverage), 1)}`,
  );
  if (report.mismatches.length === 0) {
    console.log(`  row counts: DuckDB equals ours in every table (${PEER_TABLES.map((t) => `${t} ${up[0].tables[t]}`).join(', ')})`);
  } else {
    console.log(`  !!! ROW COUNTS DIFFER FROM DUCKDB: ${report.mismatches.map((m) => `${m.table} ours ${m.ours} duckdb ${m.duckdb}`).join('; ')} !!!`);
  }
}

async function main(): Promise<void> {
  const args = parseE2eArgs(process.argv.slice(2), path.resolve(__dirname, 'results', 'latest', 'e2e.json'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-e2e-bench-home-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home; // the ceiling's warehouse
  console.log(
    `e2e bench: scales ${args.scales.join(', ')} events, ${args.repeats} repeat(s), DuckDB ${args.threads} threads, ` +
      `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const reports: ScaleReport[] = [];
  try {
    for (const scale of args.scales) {
      process.stdout.write(`scale ${scale}: `);
      const report = await benchScale(scale, args.repeats, args.threads);
      printScale(report);
      reports.push(report);
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
  const output = {
    generatedAt: new Date().toISOString(),
    machine: { loadAverageAtEnd: os.loadavg(), cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    args: { scales: args.scales, repeats: args.repeats, threads: args.threads },
    scales: reports,
  };
  fs.mkdirSync(path.dirname(args.out), { recursive: true });
  fs.writeFileSync(args.out, JSON.stringify(output, null, 2) + '\n');
  console.log(`\nresults written to ${path.relative(process.cwd(), args.out)}`);
  if (reports.some((r) => r.mismatches.length > 0)) {
    console.error('row counts differ from DuckDB (see above)');
    process.exitCode = 2;
  }
}

main().catch((err) => {
  console.error(`bench --e2e failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exitCode = 1;
});
