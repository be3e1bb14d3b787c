/**
 * The Sparkify devserver engine: a single-process server speaking Temporal's WorkflowService gRPC
 * API, so the unmodified @temporalio/worker and @temporalio/client run against it offline.
 */
import type { LogFn } from './engine/engine';
import { createEngine } from './engine/create';
import { bindService, healthServiceReflection, operatorServiceReflection, testServiceReflection, workflowServiceReflection } from './grpc/service';
import { DevServerStats, RpcStats } from './grpc/stats';
import { GrpcTransport } from './grpc/transport';
import { workflowServiceHandlers } from './handlers';
import { Journal, openJournal } from './persistence/journal';
import { recoverEngine } from './persistence/recover';
import { lockStateFile } from './persistence/lock';
import { ScheduleRegistry } from './schedules/scheduler';

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
  /**
   * Counters since start: by RPC method, calls, errors and milliseconds of server work (decode,
   * handler, encode; not time spent waiting); and the time workflow and activity tasks spent at
   * workers (from their answer being sent to their completion arriving). For benchmarks; cheap.
   */
  stats(): DevServerStats;
  /** History long polls (GetWorkflowExecutionHistory with wait_new_event) parked right now; lets tests wait for one. */
  parkedHistoryPolls(): number;
  stop(): Promise<void>;
}

const quietLog: LogFn = (level, message) => {
  if (level === 'error' || level === 'warn') process.stderr.write(`[devserver ${level}] ${message}\n`);
};

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? quietLog;
  const ip = options.ip ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? 8 * 1024 * 1024;
  const engine = createEngine({ longPollTimeoutMs: options.longPollTimeoutMs ?? 60_000, log });

  const unlock = options.dbFilename ? await lockStateFile(options.dbFilename) : undefined;
  let journal: Journal | undefined;
  // Oversized bodies up to twice the limit reach the handler, which answers INVALID_ARGUMENT naming the limit.
  const transport = new GrpcTransport({ maxReceiveBytes: maxRequestBytes * 2 });
  const stats = new RpcStats();
  let schedules: ScheduleRegistry | undefined;
  let port: number;
  try {
    journal = options.dbFilename ? await openJournal(options.dbFilename, log) : undefined;
    if (journal) await recoverEngine(engine, journal);
    for (const name of ['default', ...(options.namespaces ?? [])]) {
      if (!engine.namespaces.has(name)) engine.registerNamespace(name);
    }
    await engine.commit();
    schedules = new ScheduleRegistry(engine, journal);
    // Schedules catch up on the time the server was down (within their catch-up windows).
    schedules.recover();
    await engine.commit();

    const bindingOptions = { maxRequestBytes, log, stats };
    bindService(transport, workflowServiceReflection, workflowServiceHandlers(engine, schedules), bindingOptions);
    bindService(transport, healthServiceReflection, { Check: () => ({ status: 1 /* SERVING */ }) }, bindingOptions);
    bindService(transport, operatorServiceReflection, {}, bindingOptions);
    bindService(transport, testServiceReflection, {}, bindingOptions);
    port = await transport.listen(ip, options.port ?? 0).catch((error: Error) => {
      throw new Error(`devserver could not listen on ${ip}:${options.port ?? 0}: ${error.message}`);
    });
  } catch (error) {
    // A failed start leaves nothing behind: no timers, no open file, no lock.
    schedules?.stop();
    engine.stop();
    await transport.close();
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
    stats: () => stats.snapshot(),
    parkedHistoryPolls: () => {
      let parked = 0;
      for (const run of engine.runs.values()) parked += run.historyWaiters.size;
      return parked;
    },
    stop() {
      stopping ??= (async () => {
        clearInterval(retentionSweep);
        schedules!.stop();
        engine.stop();
        // Ends every connection at once: long polls would otherwise hold a graceful close open.
        await transport.close();
        await journal?.close();
        await unlock?.();
      })();
      return stopping;
    },
  };
}
