/**
 * The Sparkify devserver engine: a single-process server speaking Temporal's WorkflowService gRPC
 * API, so the unmodified @temporalio/worker and @temporalio/client run against it offline.
 */
import * as grpcJs from '@grpc/grpc-js';
import { Engine, LogFn } from './engine/engine';
import { bindService, healthServiceReflection, workflowServiceReflection } from './grpc/service';
import { workflowServiceHandlers } from './handlers';
import { Journal, openJournal } from './persistence/journal';
import { recoverEngine } from './persistence/recover';
import { lockStateFile } from './persistence/lock';

export interface DevServerOptions {
  /** 0 or undefined = pick a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  ip?: string;
  /** Durable state file; absent = in memory. */
  dbFilename?: string;
  /** Registered at start in addition to 'default'. */
  namespaces?: string[];
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;
  /** How long task and history long polls wait before answering empty (default 60 s). */
  longPollTimeoutMs?: number;
  /** Largest accepted request body (default 8 MiB); larger ones get INVALID_ARGUMENT. */
  maxRequestBytes?: number;
}

export interface DevServer {
  /** "127.0.0.1:7233" */
  address: string;
  port: number;
  stop(): Promise<void>;
}

const quietLog: LogFn = (level, message) => {
  if (level === 'error' || level === 'warn') process.stderr.write(`[devserver ${level}] ${message}\n`);
};

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? quietLog;
  const ip = options.ip ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? 8 * 1024 * 1024;
  const engine = new Engine({ longPollTimeoutMs: options.longPollTimeoutMs ?? 60_000, log });

  const unlock = options.dbFilename ? await lockStateFile(options.dbFilename) : undefined;
  let journal: Journal | undefined;
  const server = new grpcJs.Server({
    // Oversized bodies reach the handler, which answers INVALID_ARGUMENT naming the limit.
    'grpc.max_receive_message_length': maxRequestBytes * 2,
    'grpc.max_send_message_length': 256 * 1024 * 1024,
    // Per-call channelz bookkeeping costs every RPC and nothing here reads it.
    'grpc.enable_channelz': 0,
  });
  let port: number;
  try {
    journal = options.dbFilename ? await openJournal(options.dbFilename, log) : undefined;
    if (journal) await recoverEngine(engine, journal);
    for (const name of ['default', ...(options.namespaces ?? [])]) {
      if (!engine.namespaces.has(name)) engine.registerNamespace(name);
    }
    await engine.commit();

    const bindingOptions = { maxRequestBytes, log };
    bindService(server, workflowServiceReflection, workflowServiceHandlers(engine), bindingOptions);
    bindService(server, healthServiceReflection, { Check: () => ({ status: 1 /* SERVING */ }) }, bindingOptions);
    port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`${ip}:${options.port ?? 0}`, grpcJs.ServerCredentials.createInsecure(), (error, boundPort) => {
        if (error) reject(new Error(`devserver could not listen on ${ip}:${options.port ?? 0}: ${error.message}`));
        else resolve(boundPort);
      });
    });
  } catch (error) {
    // A failed start leaves nothing behind: no timers, no open file, no lock.
    engine.stop();
    server.forceShutdown();
    await journal?.close();
    await unlock?.();
    throw error;
  }
  log('info', `devserver listening on ${ip}:${port}${options.dbFilename ? ` (state in ${options.dbFilename})` : ' (in memory)'}`);

  // Retention: closed runs past their namespace's retention period are dropped hourly.
  const retentionSweep = setInterval(() => {
    if (engine.removeExpiredRuns() > 0) void journal?.compactAfterWrites().catch((error) => log('error', `journal compaction failed: ${(error as Error).message}`));
  }, 3_600_000);
  retentionSweep.unref();

  let stopping: Promise<void> | undefined;
  return {
    address: `${ip}:${port}`,
    port,
    stop() {
      stopping ??= (async () => {
        clearInterval(retentionSweep);
        engine.stop();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            server.forceShutdown();
            resolve();
          }, 2000);
          server.tryShutdown(() => {
            clearTimeout(timer);
            resolve();
          });
          // Long polls would hold tryShutdown open; end them now.
          setImmediate(() => server.forceShutdown());
        });
        await journal?.close();
        await unlock?.();
      })();
      return stopping;
    },
  };
}
