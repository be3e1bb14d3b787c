/**
 * A template cluster: initdb runs once per machine (per PostgreSQL build and settings) and every
 * new warehouse starts as a copy of it, given its own password before it becomes visible. initdb
 * (its bootstrap backends and a sync of ~40 MB) took 4–6 s here under load; a copy and a
 * single-user ALTER ROLE take well under one.
 *
 * Concurrent workers on one machine share the templates directory: a template is built in a
 * private directory and renamed into place only when complete (with its template.json written
 * last), so no process ever sees a half-written one; a directory at the template's name without
 * a matching template.json is discarded, never copied.
 */
import { execFile, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { postgresBinaries } from './load-embedded-postgres';

/** The settings a template is made with; any difference is another template. */
export interface TemplateSettings {
  user: string;
  initdbFlags: string[];
  /** Flags the server runs with (wal_level and the like), also used for the single-user step. */
  serverFlags: string[];
}

/** Creates a cluster with initdb in `dataDir` (embedded-postgres's initialise), with `password`. */
export type Initialise = (dataDir: string, password: string) => Promise<void>;

const MARKER = 'template.json';
const BUILDING_PREFIX = '.building-';
const DISCARD_PREFIX = '.discard-';
/** Leftovers of a process that died while building are removed once this old. */
const STALE_MS = 60 * 60 * 1000;
/** The single-user step takes a fraction of a second; anything near this is stuck. */
const SINGLE_USER_TIMEOUT_MS = 60_000;

/** The template's identity: the postgres binary (path, size, mtime) and the settings it is made with. */
async function templateKey(settings: TemplateSettings): Promise<{ name: string; identity: object }> {
  const { postgres } = postgresBinaries();
  const binary = await fs.stat(postgres);
  const identity = {
    postgres,
    postgresSize: binary.size,
    postgresMtimeMs: binary.mtimeMs,
    user: settings.user,
    initdbFlags: settings.initdbFlags,
  };
  const hash = crypto.createHash('sha256').update(JSON.stringify(identity)).digest('hex').slice(0, 16);
  return { name: `pg-${hash}`, identity };
}

/** A template directory is usable when its marker names this identity and its cluster is there. */
async function isComplete(directory: string, identity: object): Promise<boolean> {
  try {
    const marker = JSON.parse(await fs.readFile(path.join(directory, MARKER), 'utf8')) as unknown;
    if (JSON.stringify(marker) !== JSON.stringify(identity)) return false;
    await fs.access(path.join(directory, 'data', 'PG_VERSION'));
    await fs.access(path.join(directory, 'data', 'global', 'pg_control'));
    return true;
  } catch {
    return false;
  }
}

/** Moves a directory aside (atomically, so a racing process cannot half-see it) and deletes it. */
async function discard(root: string, directory: string): Promise<void> {
  const aside = path.join(root, `${DISCARD_PREFIX}${crypto.randomBytes(6).toString('hex')}`);
  try {
    await fs.rename(directory, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  await fs.rm(aside, { recursive: true, force: true });
}

async function removeStaleLeftovers(root: string): Promise<void> {
  const entries = await fs.readdir(root).catch(() => [] as string[]);
  for (const name of entries) {
    if (!name.startsWith(BUILDING_PREFIX) && !name.startsWith(DISCARD_PREFIX)) continue;
    const stat = await fs.stat(path.join(root, name)).catch(() => undefined);
    if (stat && Date.now() - stat.mtimeMs > STALE_MS) await fs.rm(path.join(root, name), { recursive: true, force: true });
  }
}

/**
 * The template's data directory under `root`, built first if missing. The template's own
 * password is random and forgotten: every copy gets its warehouse's password before use.
 */
export async function ensureTemplate(root: string, settings: TemplateSettings, initialise: Initialise): Promise<string> {
  const { name, identity } = await templateKey(settings);
  const directory = path.join(root, name);
  if (await isComplete(directory, identity)) return path.join(directory, 'data');
  // The postgres user (when running as root) must traverse it.
  await fs.mkdir(root, { recursive: true, mode: 0o755 });
  await removeStaleLeftovers(root);
  const building = await fs.mkdtemp(path.join(root, BUILDING_PREFIX));
  try {
    await fs.chmod(building, 0o755);
    await initialise(path.join(building, 'data'), crypto.randomBytes(24).toString('base64url'));
    await writeDurably(path.join(building, MARKER), JSON.stringify(identity, null, 2) + '\n');
    await syncPath(building);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fs.rename(building, directory);
        return path.join(directory, 'data');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        // Another process got there first: use its template if it is complete, else replace it.
        if (await isComplete(directory, identity)) return path.join(directory, 'data');
        await discard(root, directory);
      }
    }
    throw new Error(`could not put the template cluster in place at ${directory}`);
  } finally {
    await fs.rm(building, { recursive: true, force: true });
  }
}

/**
 * Makes `dataDir` a copy of the template with `password` for the template's user. The copy is
 * made beside `dataDir` and renamed to it only when its password is set, so a directory named
 * `dataDir` is always a whole cluster with the right password. `durable`: fsync every copied
 * file first (a kept warehouse must survive a machine crash right after it was made).
 */
export async function copyTemplate(template: string, dataDir: string, settings: TemplateSettings, password: string, durable: boolean): Promise<void> {
  const copy = `${dataDir}.copying-${crypto.randomBytes(6).toString('hex')}`;
  try {
    // cp -a keeps owners and modes: as root the cluster belongs to the postgres user.
    await promisify(execFile)('cp', ['-a', template, copy], { timeout: SINGLE_USER_TIMEOUT_MS });
    await setPassword(copy, settings, password);
    if (durable) await syncTree(copy);
    await fs.rename(copy, dataDir);
    if (durable) await syncPath(path.dirname(dataDir));
  } finally {
    await fs.rm(copy, { recursive: true, force: true });
  }
}

/** The single-user backend's statement: -j mode ends it at a semicolon followed by an empty line. */
function alterPasswordStatement(user: string, password: string): string {
  const identifier = `"${user.replace(/"/g, '""')}"`;
  const literal = `'${password.replace(/'/g, "''")}'`;
  return `ALTER ROLE ${identifier} PASSWORD ${literal};\n\n`;
}

/**
 * Sets the password in a stopped cluster with a single-user backend (no network, the password
 * on its stdin, never on a command line). Runs as the data directory's owner. Its output is not
 * passed on: an error there could quote the statement.
 */
async function setPassword(dataDir: string, settings: TemplateSettings, password: string): Promise<void> {
  const { postgres } = postgresBinaries();
  const owner = await fs.stat(dataDir);
  const asOwner = process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {};
  const child = spawn(postgres, ['--single', '-j', '-D', dataDir, ...settings.serverFlags, 'postgres'], {
    ...asOwner,
    env: { LC_MESSAGES: 'C' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    if (output.length < 64 * 1024) output += chunk.toString('utf8');
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exit = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`setting the password in the copied cluster did not finish within ${SINGLE_USER_TIMEOUT_MS / 1000} s`));
    }, SINGLE_USER_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(alterPasswordStatement(settings.user, password));
  const code = await exit;
  if (code !== 0 || /^(ERROR|FATAL|PANIC):/m.test(output)) {
    throw new Error(`setting the password in the copied cluster failed (single-user postgres exited with code ${code})`);
  }
}

async function writeDurably(file: string, text: string): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncPath(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsyncs every file and directory under `directory` (what `initdb --sync-only` does). */
async function syncTree(directory: string): Promise<void> {
  const entries = await fs.readdir(directory, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() || e.isDirectory()).map((e) => path.join(e.parentPath, e.name));
  const CONCURRENCY = 16;
  for (let i = 0; i < files.length; i += CONCURRENCY) await Promise.all(files.slice(i, i + CONCURRENCY).map(syncPath));
  await syncPath(directory);
}
