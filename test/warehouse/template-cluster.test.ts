/**
 * New embedded clusters are copies of one template cluster per machine (embedded/template.ts):
 * concurrent provisions share one template and still get independent warehouses with their own
 * passwords; a half-written template is never copied; a kept cluster stops cleanly, a deleted one
 * at once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { dataDirectory, destroyCluster, ensureClusterRunning, stopCluster, type RunningCluster } from '../../src/warehouse/embedded/cluster';

jest.setTimeout(120_000);

let home: string;
let templates: string;
const started: string[] = [];

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-template-'));
  // The postgres user (tests run as root here) must reach the data directories.
  fs.chmodSync(home, 0o755);
  templates = path.join(home, '.templates');
});
afterAll(async () => {
  for (const directory of started) await destroyCluster({ directory }).catch(() => undefined);
  fs.rmSync(home, { recursive: true, force: true });
}, 60_000);

async function start(name: string, password: string): Promise<{ directory: string; cluster: RunningCluster }> {
  const directory = path.join(home, name);
  started.push(directory);
  const cluster = await ensureClusterRunning({ directory, user: 'sparkify', initialPassword: password, templates });
  return { directory, cluster };
}

async function query<T>(cluster: RunningCluster, password: string, sql: string): Promise<T[]> {
  const client = new Client({ ...cluster, password, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function canLogIn(cluster: RunningCluster, password: string): Promise<boolean> {
  return query(cluster, password, 'SELECT 1').then(() => true, () => false);
}

/** The database system identifier: the first 8 bytes of pg_control, set by initdb and kept by a copy. */
function systemIdentifier(dataDir: string): string {
  return fs.readFileSync(path.join(dataDir, 'global', 'pg_control')).readBigUInt64LE(0).toString();
}

/** pg_control's cluster state (after the identifier and two 4-byte versions): 1 = shut down cleanly. */
function clusterState(dataDir: string): number {
  return fs.readFileSync(path.join(dataDir, 'global', 'pg_control')).readInt32LE(16);
}

function templateNames(): string[] {
  return fs.readdirSync(templates).sort();
}

describe('template cluster', () => {
  it('two concurrent provisions build one template and both get working, independent clusters', async () => {
    const [a, b] = await Promise.all([start('a', 'password-of-a'), start('b', "password 'of' b")]);
    // One complete template, no building or discarded leftovers.
    expect(templateNames()).toEqual([expect.stringMatching(/^pg-[0-9a-f]{16}$/)]);
    const template = path.join(templates, templateNames()[0]);
    expect(fs.existsSync(path.join(template, 'template.json'))).toBe(true);
    // Both are copies of that template, not clusters of their own initdb.
    const [{ system_identifier: idA }] = await query<{ system_identifier: string }>(a.cluster, 'password-of-a', 'SELECT system_identifier FROM pg_control_system()');
    const [{ system_identifier: idB }] = await query<{ system_identifier: string }>(b.cluster, "password 'of' b", 'SELECT system_identifier FROM pg_control_system()');
    expect(idA).toBe(systemIdentifier(path.join(template, 'data')));
    expect(idB).toBe(idA);
    // Each has its own password, and only that one.
    expect(await canLogIn(a.cluster, "password 'of' b")).toBe(false);
    expect(await canLogIn(b.cluster, 'password-of-a')).toBe(false);
    // And its own data.
    await query(a.cluster, 'password-of-a', 'CREATE TABLE only_in_a (x int)');
    expect(await query(b.cluster, "password 'of' b", "SELECT to_regclass('only_in_a') AS found")).toEqual([{ found: null }]);
    expect(a.cluster.port).not.toBe(b.cluster.port);
  });

  it('a half-written template is not copied: it is replaced by a complete one', async () => {
    const name = templateNames()[0];
    const template = path.join(templates, name);
    const oldIdentifier = systemIdentifier(path.join(template, 'data'));
    // What a copy interrupted half-way would leave: no marker, part of the cluster missing.
    fs.rmSync(path.join(template, 'template.json'));
    fs.rmSync(path.join(template, 'data', 'global'), { recursive: true });
    const c = await start('c', 'password-of-c');
    expect(templateNames()).toEqual([name]);
    expect(fs.existsSync(path.join(template, 'template.json'))).toBe(true);
    const newIdentifier = systemIdentifier(path.join(template, 'data'));
    expect(newIdentifier).not.toBe(oldIdentifier);
    const [{ system_identifier: idC }] = await query<{ system_identifier: string }>(c.cluster, 'password-of-c', 'SELECT system_identifier FROM pg_control_system()');
    expect(idC).toBe(newIdentifier);
  });

  it('a kept cluster stops cleanly (shut down, nothing to recover); a destroyed one is gone', async () => {
    const directory = path.join(home, 'a');
    await stopCluster({ directory });
    expect(clusterState(dataDirectory(directory))).toBe(1);
    expect(await destroyCluster({ directory: path.join(home, 'b') })).toBe(true);
    expect(fs.existsSync(path.join(home, 'b'))).toBe(false);
  });
});
