/**
 * `npm run bench -- --e2e`: the whole run on embedded defaults, as separate processes (our
 * devserver, a `sparkify worker`, `sparkify run --wait --json`), against DuckDB building the same
 * star schema from the same files (bench/duckdb/*.sql) and PostgreSQL's own COPY FROM file of the
 * events (the staging ceiling). Medians over repeats; per-kind staging files/s from the run's
 * history; peak memory of the worker process and of its PostgreSQL, the server's memory settings;
 * the load average. The runs share one template cluster, as a user's runs after the first do (each
 * run has its own SPARKIFY_HOME, with .templates linked to the bench's); the first provision on the
 * machine, which builds the template with initdb, is timed and reported on its own.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import * as activities from '../src/activities';
import { openWarehouse } from '../src/warehouse/connection';
import { TEMPLATES_DIRECTORY } from '../src/warehouse/local-provider';
import { sqlStatement } from '../src/warehouse/sql-files';
import { serverCopy, writeEventCsv } from './lib/ceiling';
import { benchDataset, type BenchDataset } from './lib/datasets';
import { PEER_TABLES, runDuckdbPeer, type PeerRun } from './lib/duckdb-peer';
import { countMismatches, parseE2eArgs, ratioTo, spread, transformsTime, type CountMismatch } from './lib/e2e-compare';
import { recreateTables, runActivity } from './lib/pipeline-run';
import { watchTreeMemory, type TreeMemory } from './lib/process-memory';
import { fetchStagingSpans, spawnUntilReady, startDevserverProcess, stopProcess, type KindSpan } from './lib/separate-processes';

const root = path.resolve(__dirname, '..');
const WORKER_NODE_FLAGS = ['--max-semi-space-size=4'];

interface UpRun {
  /** The `sparkify run --wait` client process, start to exit. */
  wallSeconds: number;
  workflowSeconds: number;
  stages: Record<string, number>;
  /** Each staging kind's span (the kinds run side by side, so these overlap) and files/s. */
  staging: Record<'events' | 'songs', KindSpan>;
  tables: Record<string, number>;
  /** The worker process (node) and its embedded PostgreSQL. */
  memory: TreeMemory;
  loadAverage: number;
}

/**
 * One run as three processes: a `sparkify worker` of its own (own SPARKIFY_HOME, own task queue,
 * so its peak RSS is this run's) and `sparkify run --wait --json` against the bench's devserver.
 */
async function runSeparate(dataset: BenchDataset, temporalAddress: string, index: number, templates: string): Promise<UpRun> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-e2e-home-'));
  fs.chmodSync(home, 0o755);
  fs.symlinkSync(templates, path.join(home, TEMPLATES_DIRECTORY));
  const taskQueue = `bench-e2e-${process.pid}-${index}`;
  const env: NodeJS.ProcessEnv = { ...process.env, SPARKIFY_HOME: home, TEMPORAL_ADDRESS: temporalAddress, TEMPORAL_NAMESPACE: 'default' };
  // The V8 flag of package.json's sparkify script, so the peak measured is the one `npm run sparkify -- worker` has.
  const { child: worker } = await spawnUntilReady([...WORKER_NODE_FLAGS, 'src/cli/main.ts', 'worker', '--task-queue', taskQueue], env, /polling task queue/);
  const memory = watchTreeMemory(worker.pid as number);
  try {
    const started = process.hrtime.bigint();
    const client = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'run', '--source', dataset.root, '--task-queue', taskQueue, '--wait', '--json'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    client.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    client.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const code = await new Promise<number | null>((resolve) => client.on('close', resolve));
    const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (code !== 0) throw new Error(`sparkify run exited with ${code}:\n${stderr}`);
    const result = JSON.parse(stdout) as { workflowId: string; tables: Record<string, number>; durationsMs: Record<string, number>; totalMs: number };
    const stages = Object.fromEntries(Object.entries(result.durationsMs).map(([stage, ms]) => [stage, ms / 1000]));
    const staging = await fetchStagingSpans(temporalAddress, result.workflowId);
    return { wallSeconds, workflowSeconds: result.totalMs / 1000, stages, staging, tables: result.tables, memory: memory.stop(), loadAverage: os.loadavg()[0] };
  } finally {
    memory.stop();
    await stopProcess(worker);
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** PostgreSQL's COPY FROM file of the events (pre-converted to CSV, two parts loaded concurrently). */
async function ceilingRuns(dataset: BenchDataset, repeats: number): Promise<{ seconds: number[]; settings: Record<string, string> }> {
  const target = { provider: 'local' as const, warehouseId: `bench_e2e_${process.pid}` };
  const warehouse = await runActivity(activities.provisionWarehouse, target);
  const clients: Client[] = [];
  const csv = writeEventCsv(dataset.root, 2);
  try {
    for (let i = 0; i < 2; i++) clients.push(await openWarehouse(warehouse, 'benchmark'));
    const settings = await serverMemorySettings(clients[0]);
    const seconds: number[] = [];
    for (let r = 0; r < repeats; r++) {
      await recreateTables(warehouse);
      const sample = await serverCopy(clients, csv);
      if (sample.rows !== dataset.events) throw new Error(`server COPY loaded ${sample.rows} rows, expected ${dataset.events}`);
      seconds.push(sample.seconds);
    }
    return { seconds, settings };
  } finally {
    for (const client of clients) await client.end().catch(() => undefined);
    fs.rmSync(csv.directory, { recursive: true, force: true });
    await runActivity(activities.teardownWarehouse, target);
  }
}

/** The embedded server's memory settings as a new session sees them (the same configuration the runs' warehouses start with). */
async function serverMemorySettings(client: Client): Promise<Record<string, string>> {
  const { rows } = await client.query(sqlStatement('bench/server_memory_settings.sql'));
  const unitKb: Record<string, number> = { kB: 1, '8kB': 8, MB: 1024 };
  return Object.fromEntries(
    rows.map((r: { name: string; setting: string; unit: string | null }) => {
      const kb = r.unit ? unitKb[r.unit] : undefined;
      return [r.name, kb === undefined ? `${r.setting}${r.unit ?? ''}` : `${(Number(r.setting) * kb) / 1024}MB`];
    }),
  );
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
  postgresSettings: Record<string, string>;
  mismatches: CountMismatch[];
  ratios: { workflowToDuckdb: number; wallToDuckdb: number; stagingToDuckdbStaging: number; transformsToDuckdbTransforms: number };
}

/**
 * The first provision on this machine, in the bench's own SPARKIFY_HOME: it builds the template
 * cluster (initdb) that every run then copies. Its warehouse is torn down at once.
 */
async function firstProvision(): Promise<{ seconds: number }> {
  const target = { provider: 'local' as const, warehouseId: `bench_e2e_first_${process.pid}` };
  const started = process.hrtime.bigint();
  await runActivity(activities.provisionWarehouse, target);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await runActivity(activities.teardownWarehouse, target);
  return { seconds };
}

async function benchScale(events: number, repeats: number, threads: number, temporalAddress: string, templates: string): Promise<ScaleReport> {
  const dataset = await benchDataset(events);
  const up: UpRun[] = [];
  const duckdb: PeerRun[] = [];
  for (let r = 0; r < repeats; r++) {
    // Alternated so that a change in the machine's load falls on both sides.
    up.push(await runSeparate(dataset, temporalAddress, r, templates));
    process.stdout.write('u');
    duckdb.push(await runDuckdbPeer(dataset.root, threads));
    process.stdout.write('d');
  }
  const { seconds: ceilingSeconds, settings: postgresSettings } = await ceilingRuns(dataset, repeats);
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
    transformsToDuckdbTransforms: ratioTo(med(up.map((u) => transformsTime(u.stages))), duckTransforms),
  };
  return { events, songFiles: dataset.songs, up, duckdb, ceilingSeconds, postgresSettings, mismatches, ratios };
}

function printScale(report: ScaleReport): void {
  const { up, duckdb } = report;
  console.log(`\n${report.events} events, ${report.songFiles} song files — seconds, median (min–max) of ${up.length}`);
  const stages = Object.keys(up[0].stages);
  for (const stage of stages) console.log(`  ours ${stage.padEnd(22)} ${fmt(up.map((u) => u.stages[stage] ?? 0))}`);
  console.log(`  ours ${'workflow total'.padEnd(22)} ${fmt(up.map((u) => u.workflowSeconds))}`);
  console.log(`  ours ${'run client wall'.padEnd(22)} ${fmt(up.map((u) => u.wallSeconds))}`);
  for (const kind of ['events', 'songs'] as const) {
    console.log(
      `  ours staging ${kind.padEnd(14)} ${fmt(up.map((u) => u.staging[kind].seconds))} s, ${fmt(up.map((u) => u.staging[kind].filesPerSecond), 0)} files/s, ` +
        `${fmt(up.map((u) => (u.staging[kind].seconds > 0 ? u.staging[kind].rows / u.staging[kind].seconds : 0)), 0)} rows/s (${up[0].staging[kind].files} files; the two kinds run side by side)`,
    );
  }
  for (const step of Object.keys(duckdb[0].steps)) console.log(`  duckdb ${step.padEnd(20)} ${fmt(duckdb.map((d) => d.steps[step]))}`);
  console.log(`  duckdb ${'total'.padEnd(20)} ${fmt(duckdb.map((d) => d.seconds))}`);
  const ceiling = spread(report.ceilingSeconds).median;
  console.log(`  ceiling server COPY events  ${fmt(report.ceilingSeconds)} (${Math.round(report.events / ceiling)} rows/s)`);
  const r = report.ratios;
  console.log(
    `  ratio to DuckDB: workflow ${r.workflowToDuckdb.toFixed(2)}x, run client wall ${r.wallToDuckdb.toFixed(2)}x, ` +
      `staging ${r.stagingToDuckdbStaging.toFixed(2)}x, transforms ${r.transformsToDuckdbTransforms.toFixed(2)}x (its five tables)`,
  );
  console.log(
    `  peak memory: worker process ${fmt(up.map((u) => u.memory.nodePeakMb), 0)} MB RSS, ` +
      `PostgreSQL ${fmt(up.map((u) => u.memory.postgresPeakMb), 0)} MB PSS; load average (1 min) at each run's end ${fmt(up.map((u) => u.loadAverage), 1)}`,
  );
  console.log(`  PostgreSQL server settings (embedded, a new session): ${Object.entries(report.postgresSettings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
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
  const first = await firstProvision();
  const templates = path.join(home, TEMPLATES_DIRECTORY);
  console.log(`first provision on this machine (initdb builds the template cluster): ${first.seconds.toFixed(2)} s; every run below copies that template`);
  const devserver = await startDevserverProcess({ ...process.env });
  try {
    for (const scale of args.scales) {
      process.stdout.write(`scale ${scale}: `);
      const report = await benchScale(scale, args.repeats, args.threads, devserver.address, templates);
      printScale(report);
      reports.push(report);
    }
  } finally {
    await devserver.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
  const output = {
    generatedAt: new Date().toISOString(),
    machine: { loadAverageAtEnd: os.loadavg(), cores: os.cpus().length, cpu: os.cpus()[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    args: { scales: args.scales, repeats: args.repeats, threads: args.threads },
    firstProvisionSeconds: first.seconds,
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
