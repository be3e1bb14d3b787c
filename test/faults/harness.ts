/**
 * The fault suite's machinery: the devserver, workers and the CLI run as separate processes, as a
 * user starts them (`npm run devserver`, `npm run sparkify -- worker`, `... run`), so a SIGKILL
 * kills a real process. Every wait is bounded; every process started is stopped and checked.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { SparkifyEtlResult, WarehouseHandle } from '../../src/contract';
import { connectPostgres } from '../../src/warehouse/client';
import { TEMPLATES_DIRECTORY } from '../../src/warehouse/local-provider';
import { directoryForWarehouse } from '../../src/warehouse/names';
import { warehouseProvider } from '../../src/warehouse/registry';
import { generateDataset, type GenerateOptions } from '../../src/generator';
import { expectedReport, tablesReport, type TablesReport } from '../helpers/exact-tables';
import { computeExpected, type Expected } from '../reference/compute';

export const REPO = path.resolve(__dirname, '..', '..');
/**
 * `node --import tsx script.ts`: one process per program. (The tsx CLI runs the script in a child
 * process, so a SIGKILL of what it spawned would leave the real server or worker running.)
 */
function nodeArgs(args: string[]): string[] {
  return ['--import', 'tsx', ...args];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `promise`'s value, or `fallback` once `ms` passed; the timer is cleared either way (no leaked handle). */
export async function valueOrAfter<T, U>(promise: Promise<T>, ms: number, fallback: U): Promise<T | U> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<U>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `everyMs` until it returns a value other than undefined; fails after `timeoutMs`. */
export async function waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined | Promise<T | undefined>, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class Proc {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => this.output.push(chunk.toString('utf8'));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? null : code);
      resolve(code);
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.exitCode === undefined;
  }

  text(): string {
    return this.output.join('');
  }

  /** Resolves once the output contains `marker`. */
  waitForOutput(marker: string | RegExp, timeoutMs: number): Promise<string> {
    return waitFor(`${this.name} to print ${marker}`, timeoutMs, () => {
      const text = this.text();
      if (typeof marker === 'string' ? text.includes(marker) : marker.test(text)) return text;
      if (!this.alive) throw new Error(`${this.name} exited (${this.exitCode}) before printing ${marker}:\n${text}`);
      return undefined;
    }, 50);
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const done = await valueOrAfter(this.exited.then(() => true), graceMs, false);
    if (!done) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Everything one scenario starts; `stopAll` ends what is still running. */
export class Scenario {
  readonly procs: Proc[] = [];
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly name: string,
    temporalAddress: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ) {
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), `sparkify-faults-${name}-`));
    fs.chmodSync(this.home, 0o755);
    this.env = {
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      SPARKIFY_HOME: this.home,
      SPARKIFY_DEBUG: '',
      ...extraEnv,
    };
  }

  get taskQueue(): string {
    return `faults-${this.name}`;
  }

  spawn(name: string, args: string[], env: NodeJS.ProcessEnv = this.env): Proc {
    const child = spawn(process.execPath, nodeArgs(args), { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = new Proc(name, child);
    this.procs.push(proc);
    return proc;
  }

  /** `npm run sparkify -- worker` on this scenario's task queue, once it polls. */
  async worker(name: string): Promise<Proc> {
    const proc = this.spawn(name, ['src/cli/main.ts', 'worker', '--task-queue', this.taskQueue]);
    await proc.waitForOutput('polling task queue', 180_000);
    return proc;
  }

  /** `npm run sparkify -- run ... --json` (without --wait): starts the run and exits. */
  async startRun(workflowId: string, source: string, extra: string[] = []): Promise<void> {
    const proc = this.spawn('run', [
      'src/cli/main.ts', 'run', '--source', source, '--workflow-id', workflowId, '--task-queue', this.taskQueue, '--json', ...extra,
    ]);
    const code = await valueOrAfter(proc.exited, 60_000, 'timeout');
    if (code !== 0) throw new Error(`sparkify run exited ${code}:\n${proc.text()}`);
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.procs.map((p) => p.stop()));
  }

  /** Processes (by command line) that still mention this scenario's SPARKIFY_HOME, e.g. a postgres. */
  strayProcesses(): string[] {
    const ps = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
    return ps.split('\n').filter((line) => line.includes(this.home) && !line.includes(' ps -eo'));
  }

  /** Entries left in SPARKIFY_HOME (a warehouse directory not torn down). */
  /** What is left under SPARKIFY_HOME besides the template clusters (shared by every warehouse, kept on purpose). */
  leftovers(): string[] {
    return fs.existsSync(this.home) ? fs.readdirSync(this.home).filter((name) => name !== TEMPLATES_DIRECTORY) : [];
  }

  removeHome(): void {
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}

/** The devserver as a process: `npm run devserver -- --port P [--db-filename F]`. */
export class Devserver {
  proc!: Proc;
  constructor(
    readonly port: number,
    readonly dbFilename: string | undefined,
  ) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['devserver/src/main.ts', '--port', String(this.port), '--ip', '127.0.0.1', '--headless'];
    if (this.dbFilename) args.push('--db-filename', this.dbFilename);
    const child = spawn(process.execPath, nodeArgs(args), { cwd: REPO, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = new Proc('devserver', child);
    await this.proc.waitForOutput('devserver listening', 60_000);
  }
}

export async function temporalClient(address: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

/** The pending activities of a run, as the server describes them: type and whether a worker holds it. */
export async function pendingActivities(client: Client, workflowId: string): Promise<Array<{ type: string; started: boolean; attempt: number }>> {
  const description = await client.workflow.getHandle(workflowId).describe();
  return (description.raw.pendingActivities ?? []).map((a) => ({
    type: a.activityType?.name ?? '',
    // PENDING_ACTIVITY_STATE_STARTED = 2
    started: Number(a.state) === 2,
    attempt: a.attempt ?? 1,
  }));
}

/** The postmaster pid of a local warehouse. */
export function postmasterPid(home: string, warehouseId: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(home, directoryForWarehouse(warehouseId), 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One line of the closing figures: what was done, and how long from the fault to the run's end. */
export interface FaultFigure {
  fault: string;
  outcome: string;
  faultToEndMs: number;
  totalMs: number;
}

const FIGURES = path.join(REPO, 'test', 'faults', 'results');

export function recordFigure(file: string, figure: FaultFigure): void {
  fs.mkdirSync(FIGURES, { recursive: true });
  fs.appendFileSync(path.join(FIGURES, `${file}.jsonl`), `${JSON.stringify(figure)}\n`);
  process.stderr.write(`FAULT ${figure.fault}: ${figure.outcome}; fault to end ${(figure.faultToEndMs / 1000).toFixed(1)} s, run ${(figure.totalMs / 1000).toFixed(1)} s\n`);
}

/** Serialises reportAndTeardown: the provider reads SPARKIFY_HOME from the environment, which scenarios running side by side share. */
let homeSwitch: Promise<unknown> = Promise.resolve();

/**
 * The kept warehouse of a finished run, reduced to the reference figures, then torn down (from
 * this process, as any process may): what the run left must equal the independent reference.
 */
export function reportAndTeardown(home: string, result: SparkifyEtlResult): Promise<TablesReport> {
  const report = homeSwitch.then(() => reportAndTeardownIn(home, result));
  homeSwitch = report.catch(() => undefined);
  return report;
}

async function reportAndTeardownIn(home: string, result: SparkifyEtlResult): Promise<TablesReport> {
  const handle = result.warehouse as WarehouseHandle;
  const previous = process.env.SPARKIFY_HOME;
  process.env.SPARKIFY_HOME = home;
  try {
    const provider = warehouseProvider(handle.provider);
    const client = await connectPostgres(await provider.connectionConfig(handle), 'fault suite check');
    try {
      await client.query(`SET search_path TO ${handle.schema}`);
      return await tablesReport(client);
    } finally {
      await client.end();
      await provider.teardown(handle.warehouseId, { heartbeat: () => undefined });
    }
  } finally {
    // Assigning undefined would store the string "undefined".
    if (previous === undefined) delete process.env.SPARKIFY_HOME;
    else process.env.SPARKIFY_HOME = previous;
  }
}

export { expectedReport };

/** What a fault file shares across its tests: a generated dataset, its expected tables, a devserver and a client of it. */
export interface FaultEnvironment {
  dataset: string;
  expected: Expected;
  devserver: Devserver;
  temporal: { client: Client; close(): Promise<void> };
}

/**
 * Registers the file's beforeAll/afterAll: generates `data` into a temporary directory named after
 * `name`, computes its expected tables, starts a devserver and connects to it; all is removed after.
 * The returned object's fields are set once beforeAll has run.
 */
export function useFaultEnvironment(name: string, data: Pick<GenerateOptions, 'songs' | 'events' | 'days' | 'seed'>): FaultEnvironment {
  const env = {} as FaultEnvironment;
  beforeAll(async () => {
    env.dataset = fs.mkdtempSync(path.join(os.tmpdir(), `sparkify-faults-${name}-`));
    await generateDataset({ out: env.dataset, ...data });
    env.expected = computeExpected(env.dataset);
    env.devserver = new Devserver(await freePort(), undefined);
    await env.devserver.start();
    env.temporal = await temporalClient(env.devserver.address);
  }, 120_000);
  afterAll(async () => {
    await env.temporal?.close();
    await env.devserver?.proc.stop();
    if (env.dataset) fs.rmSync(env.dataset, { recursive: true, force: true });
  });
  return env;
}
