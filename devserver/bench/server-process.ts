/**
 * The benchmark's two ways to run the server: in the benchmark's own process (startDevServer), or
 * as a child process the way users run it (`devserver/src/main.ts`). Either way the benchmark reads
 * the server's per-method counters without an RPC: from the handle in process, over the child's IPC
 * channel otherwise, where the child's own CPU time is also available.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { startDevServer } from '../src/index';
import type { DevServerStats } from '../src/grpc/stats';

export type ServerMode = 'in-process' | 'server-process';

export interface ServerCounters extends DevServerStats {
  /** CPU time (user + system) of the server's process; only when it has a process of its own. */
  cpuMs?: number;
}

export interface BenchServer {
  mode: ServerMode;
  address: string;
  counters(): Promise<ServerCounters>;
  stop(): Promise<void>;
}

const quiet = (level: string, message: string) => level === 'error' && console.error(message);

export async function startBenchServer(mode: ServerMode): Promise<BenchServer> {
  if (mode === 'in-process') {
    const server = await startDevServer({ port: 0, log: quiet });
    return { mode, address: server.address, counters: async () => server.stats(), stop: () => server.stop() };
  }
  return startChildServer();
}

async function startChildServer(): Promise<BenchServer> {
  const root = path.resolve(__dirname, '../..');
  const child = spawn(
    process.execPath,
    ['--import', `file://${root}/node_modules/tsx/dist/loader.mjs`, path.join(root, 'devserver/src/main.ts'), '--port', '0', '--headless', '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const address = await listeningAddress(child);
    return {
      mode: 'server-process',
      address,
      counters: () => childCounters(child),
      async stop() {
        child.kill('SIGTERM');
        await exited;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
}

/** Waits for the launcher's "devserver listening on HOST:PORT" line. */
function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('the devserver child process did not start listening within 20 s')), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /devserver listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the devserver child process exited (${code}) before listening`));
    });
  });
}

function childCounters(child: ChildProcess): Promise<ServerCounters> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type?: string; stats: DevServerStats; cpuMicros: NodeJS.CpuUsage }) => {
      if (message?.type !== 'stats') return;
      child.removeListener('message', onMessage);
      resolve({ ...message.stats, cpuMs: (message.cpuMicros.user + message.cpuMicros.system) / 1000 });
    };
    child.on('message', onMessage);
    if (!child.send({ type: 'stats' })) reject(new Error('the devserver child process is gone'));
  });
}
