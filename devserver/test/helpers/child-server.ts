/** The devserver as a separate process through `devserver/bin/temporal`, for launcher and restart tests. */
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
