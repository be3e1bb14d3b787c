/** The devserver as a separate process through `devserver/bin/temporal`, for launcher and restart tests. */
import { Client, Connection } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';

export const TEMPORAL_BIN = path.resolve(__dirname, '../../bin/temporal');

export interface ChildServer {
  process: ChildProcess;
  /** The address printed on stdout ("devserver listening on HOST:PORT ..."). */
  address: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startChildServer(args: string[], startupTimeoutMs = 30_000): Promise<ChildServer> {
  const child = spawn(TEMPORAL_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`devserver did not print its address within ${startupTimeoutMs} ms; stderr:\n${stderr}`));
    }, startupTimeoutMs);
    const onData = () => {
      const match = /listening on (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`devserver exited (${code}) before listening; stderr:\n${stderr}`));
    });
  });
  return { process: child, address, stdout: () => stdout, stderr: () => stderr, exited };
}

/** True once nothing accepts connections on the port any more. */
export function portIsClosed(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/**
 * A devserver child on a fixed port and state file, with client and worker connections, which a
 * test SIGKILLs and starts again on the same port and state (the connections reconnect).
 */
export interface RestartableServer {
  client: Client;
  nativeConnection: NativeConnection;
  /** SIGKILLs the server, stays down `downMs`, starts it again; resolves with the moment of the kill. */
  killAndRestart(downMs?: number): Promise<number>;
  /** Closes the connections and stops the server. */
  close(): Promise<void>;
}

export async function startRestartableServer(dbFilename: string): Promise<RestartableServer> {
  const port = await freePort();
  const args = ['server', 'start-dev', '--port', String(port), '--db-filename', dbFilename, '--headless', '--log-level', 'warn'];
  let server = await startChildServer(args);
  const stop = async () => {
    server.process.kill('SIGTERM');
    await server.exited;
  };
  let connection: Connection | undefined;
  let nativeConnection: NativeConnection;
  try {
    connection = await Connection.connect({ address: server.address });
    nativeConnection = await NativeConnection.connect({ address: server.address });
  } catch (error) {
    await connection?.close();
    await stop();
    throw error;
  }
  return {
    client: new Client({ connection }),
    nativeConnection,
    async killAndRestart(downMs = 0) {
      server.process.kill('SIGKILL');
      const signal = await server.exited;
      if (signal !== 'SIGKILL') throw new Error(`the devserver ended with ${signal}, not SIGKILL`);
      const killedAt = Date.now();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await startChildServer(args);
      if (server.address !== `127.0.0.1:${port}`) throw new Error(`the restarted devserver listens on ${server.address}, not port ${port}`);
      return killedAt;
    },
    async close() {
      await connection!.close();
      await nativeConnection.close();
      await stop();
    },
  };
}

/**
 * TestWorkflowEnvironment.createTimeSkipping with this devserver as its test server. The SDK gives
 * the server a fixed 5 s to accept connections and then kills it; on a saturated machine (parallel
 * test files bundling workflows) a start can take longer, so a start that failed for that reason
 * alone is tried once more.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const create = () => TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: TEMPORAL_BIN } } });
  try {
    return await create();
  } catch (error) {
    if (!/did not start within/.test(String(error))) throw error;
    return create();
  }
}
