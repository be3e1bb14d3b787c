/**
 * The Sparkify devserver engine: a single-process server speaking Temporal's WorkflowService gRPC
 * API, so the unmodified @temporalio/worker and @temporalio/client run against it offline.
 */
import type { LogFn } from './engine/engine';
import { SkippingClock, SkippingState } from './engine/clock';
import { createEngine } from './engine/create';
import { bindService, healthServiceReflection, operatorServiceReflection, testServiceReflection, workflowServiceReflection } from './grpc/service';
import { DevServerStats, RpcStats } from './grpc/stats';
import { GrpcTransport } from './grpc/transport';
import { workflowServiceHandlers } from './handlers';
import { operatorServiceHandlers } from './handlers/operator';
import { HttpApi } from './http/api';
import { ReflectedHttpService, routesOf } from './http/routes';
import { startUiServer, UiServer } from './http/ui-server';
import { testServiceHandlers } from './handlers/test-service';
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
  /**
   * Port of the web UI and the HTTP API (`/api/v1/…`); 0 = pick a free one; absent = neither is
   * served. `uiPortFallback` takes a free port when this one is in use instead of failing.
   */
  uiPort?: number;
  uiPortFallback?: boolean;
  /** Address the UI binds (default: `ip`). */
  uiIp?: string;
  /** Directory of the built UI (default devserver/ui/build). */
  uiDirectory?: string;
  /**
   * Run as Temporal's time-skipping test server: a virtual clock under every timestamp and
   * deadline, and the TestService. `true` starts with time skipping locked, as the SDK's
   * `createTimeSkipping()` expects (its client unlocks while it awaits a result); `{ locked: false }`
   * starts unlocked (the test server's `--enable-time-skipping`).
   */
  timeSkipping?: boolean | { locked: boolean };
}

export interface DevServer {
  /** "127.0.0.1:7233" */
  address: string;
  port: number;
  /** "http://127.0.0.1:8233" when the UI is served. */
  uiUrl?: string;
  /**
   * Counters since start: by RPC method, calls, errors and milliseconds of server work (decode,
   * handler, encode; not time spent waiting); and the time workflow and activity tasks spent at
   * workers (from their answer being sent to their completion arriving). For benchmarks; cheap.
   */
  stats(): DevServerStats;
  /** History long polls (GetWorkflowExecutionHistory with wait_new_event) parked right now; lets tests wait for one. */
  parkedHistoryPolls(): number;
  /** The virtual clock's time, locks and holds; undefined unless the server skips time. */
  timeSkipping(): SkippingState | undefined;
  stop(): Promise<void>;
}

const quietLog: LogFn = (level, message) => {
  if (level === 'error' || level === 'warn') process.stderr.write(`[devserver ${level}] ${message}\n`);
};

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? quietLog;
  const ip = options.ip ?? '127.0.0.1';
  const maxRequestBytes = options.maxRequestBytes ?? 8 * 1024 * 1024;
  const clock = options.timeSkipping
    ? new SkippingClock({ locked: typeof options.timeSkipping === 'object' ? options.timeSkipping.locked : true })
    : undefined;
  const engine = createEngine({ longPollTimeoutMs: options.longPollTimeoutMs ?? 60_000, log, clock });
  if (clock) clock.holds = () => engine.holdsOnClock();

  const unlock = options.dbFilename ? await lockStateFile(options.dbFilename) : undefined;
  let journal: Journal | undefined;
  // Oversized bodies up to twice the limit reach the handler, which answers INVALID_ARGUMENT naming the limit.
  const transport = new GrpcTransport({ maxReceiveBytes: maxRequestBytes * 2 });
  const stats = new RpcStats();
  let schedules: ScheduleRegistry | undefined;
  let ui: UiServer | undefined;
  let port: number;
  try {
    journal = options.dbFilename ? await openJournal(options.dbFilename, log) : undefined;
    if (clock && journal) journalClock(clock, journal);
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
    // The UI's HTTP API serves the /api/v1 bindings; the bare ones (/namespaces/…) are UI pages there.
    const httpApi = new HttpApi(
      [workflowServiceReflection, operatorServiceReflection].flatMap((service) => routesOf(service as unknown as ReflectedHttpService)).filter((route) => route.template.startsWith('/api/v1/')),
      { maxRequestBytes },
    );
    bindService([transport, httpApi], workflowServiceReflection, workflowServiceHandlers(engine, schedules), bindingOptions);
    bindService([transport], healthServiceReflection, { Check: () => ({ status: 1 /* SERVING */ }) }, bindingOptions);
    bindService([transport, httpApi], operatorServiceReflection, operatorServiceHandlers(engine), bindingOptions);
    // Without time skipping every TestService method answers UNIMPLEMENTED, as a real server does.
    bindService([transport], testServiceReflection, clock ? testServiceHandlers(clock) : {}, bindingOptions);
    port = await transport.listen(ip, options.port ?? 0).catch((error: Error) => {
      throw new Error(`devserver could not listen on ${ip}:${options.port ?? 0}: ${error.message}`);
    });
    if (options.uiPort !== undefined) ui = await startUi(options, ip, httpApi, log);
  } catch (error) {
    // A failed start leaves nothing behind: no timers, no open file, no lock.
    await ui?.close();
    schedules?.stop();
    engine.stop();
    await transport.close();
    await journal?.close();
    await unlock?.();
    throw error;
  }
  log('info', `devserver listening on ${ip}:${port}${options.dbFilename ? ` (state in ${options.dbFilename})` : ' (in memory)'}${clock ? ', time skipping' : ''}`);
  if (ui) log('info', `web UI and HTTP API at ${ui.url}`);

  // Retention: closed runs past their namespace's retention period are dropped hourly.
  const retentionSweep = setInterval(() => {
    if (engine.removeExpiredRuns() > 0) void journal?.compactAfterWrites().catch((error) => log('error', `journal compaction failed: ${(error as Error).message}`));
  }, 3_600_000);
  retentionSweep.unref();

  let stopping: Promise<void> | undefined;
  return {
    address: `${ip}:${port}`,
    port,
    uiUrl: ui?.url,
    stats: () => stats.snapshot(),
    parkedHistoryPolls: () => {
      let parked = 0;
      for (const run of engine.runs.values()) parked += run.historyWaiters.size;
      return parked;
    },
    timeSkipping: () => clock?.state(),
    stop() {
      stopping ??= (async () => {
        clearInterval(retentionSweep);
        await ui?.close();
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

async function startUi(options: DevServerOptions, ip: string, api: HttpApi, log: LogFn): Promise<UiServer> {
  const uiIp = options.uiIp ?? ip;
  const start = (port: number) => startUiServer({ ip: uiIp, port, api, uiDirectory: options.uiDirectory, defaultNamespace: 'default', log });
  try {
    return await start(options.uiPort ?? 0);
  } catch (error) {
    if (options.uiPortFallback && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      log('warn', `web UI port ${options.uiPort} is in use; serving the UI on a free port instead`);
      return await start(0);
    }
    throw new Error(`devserver could not serve the web UI on ${uiIp}:${options.uiPort}: ${(error as Error).message}`);
  }
}

const CLOCK_RECORD = 'clock';

/**
 * A time-skipping server with a state file keeps its virtual clock's lead over the wall clock, so a
 * restarted server goes on from the time its histories reached instead of going back to wall time.
 */
function journalClock(clock: SkippingClock, journal: Journal): void {
  const recovered = journal.recoveredRecords(CLOCK_RECORD)[0] as { offsetMs?: number } | undefined;
  if (recovered?.offsetMs) clock.restoreOffset(recovered.offsetMs);
  clock.onSkip = (offsetMs) => journal.recordChanged(CLOCK_RECORD, 'offset', () => ({ offsetMs }));
}
