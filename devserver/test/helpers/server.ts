/**
 * Where the conformance suite runs: an in-process devserver on a free port, or, when
 * TEMPORAL_TEST_SERVER_ADDRESS is set, a real Temporal server (the same assertions must hold there).
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';

export const realServerAddress = process.env.TEMPORAL_TEST_SERVER_ADDRESS || undefined;
export const realServerNamespace = process.env.TEMPORAL_TEST_SERVER_NAMESPACE || 'default';

/** For tests only our server can pass (restart from its state file, launcher flags, UNIMPLEMENTED RPCs). */
export const devserverOnlyTest = realServerAddress ? test.skip : test;

export interface ConformanceServer {
  address: string;
  namespace: string;
  isDevserver: boolean;
  /** Our server only: history long polls parked right now (a real server does not tell). */
  parkedHistoryPolls?: () => number;
  connection: Connection;
  nativeConnection: NativeConnection;
  client: Client;
  close(): Promise<void>;
}

let runtimeInstalled = false;

/** Only errors from the SDK's TS and Rust loggers: the tests provoke many expected failures. */
export function installQuietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      // Core's own warnings (e.g. late completions of timed-out activities the tests provoke) would bury the output.
      telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' } } },
    });
  } catch {
    // Already installed by an earlier file in this jest worker: keep that runtime.
  }
}

export async function openConformanceServer(): Promise<ConformanceServer> {
  installQuietRuntime();
  let address = realServerAddress;
  let stopServer: (() => Promise<void>) | undefined;
  let parkedHistoryPolls: (() => number) | undefined;
  if (!address) {
    // Loaded lazily so a run against a real server does not need the engine at all.
    const { startDevServer } = await import('../../src/index');
    const server = await startDevServer({ port: 0 });
    address = server.address;
    stopServer = () => server.stop();
    parkedHistoryPolls = () => server.parkedHistoryPolls();
  }
  const namespace = realServerAddress ? realServerNamespace : 'default';
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  const client = new Client({ connection, namespace });
  return {
    address,
    namespace,
    isDevserver: !realServerAddress,
    parkedHistoryPolls,
    connection,
    nativeConnection,
    client,
    async close() {
      await connection.close();
      await nativeConnection.close();
      await stopServer?.();
    },
  };
}
