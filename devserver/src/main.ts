/**
 * Devserver launcher: `npm run devserver -- [flags]`, `devserver/bin/temporal server start-dev [flags]`, or
 * `devserver/bin/temporal PORT [flags]` as the SDK's time-skipping test server.
 * Prints the address on stdout once the server listens and runs until SIGINT/SIGTERM, then stops cleanly.
 */
import { launcherUsage, LauncherArgsError, LauncherOptions, parseLauncherArgs } from './cli/args';
import { createLogger, LogFunction } from './cli/logger';
import { DevServer, startDevServer } from './index';

async function main(argv: string[]): Promise<number> {
  let options: LauncherOptions;
  try {
    options = parseLauncherArgs(argv);
  } catch (error) {
    if (!(error instanceof LauncherArgsError)) throw error;
    process.stderr.write(`devserver: ${error.message}\n\n${launcherUsage()}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${launcherUsage()}\n`);
    return 0;
  }
  const log = createLogger(options.logLevel, options.logFormat);
  for (const warning of options.warnings) log('warn', warning);
  for (const note of options.notes) log('debug', note);
  if (options.searchAttributes.length) {
    // The engine indexes any custom attribute a workflow sets; declarations only document intent.
    log('debug', `declared search attributes: ${options.searchAttributes.map((a) => `${a.name}=${a.type}`).join(', ')}`);
  }

  const server = await startDevServer({
    port: options.port,
    ip: options.ip,
    dbFilename: options.dbFilename,
    namespaces: options.namespaces,
    uiPort: options.uiPort,
    uiPortFallback: !options.uiPortGiven,
    uiIp: options.uiIp,
    log,
    timeSkipping: options.timeSkipping ? { locked: options.timeSkipping === 'locked' } : undefined,
  });
  const namespaces = ['default', ...options.namespaces.filter((ns) => ns !== 'default')];
  process.stdout.write(`devserver listening on ${server.address} (namespaces: ${namespaces.join(', ')}${options.dbFilename ? `; state file ${options.dbFilename}` : '; in memory'}${options.timeSkipping ? `; time skipping, ${options.timeSkipping} at start` : ''})\n`);
  if (server.uiUrl) process.stdout.write(`Temporal Web UI: ${server.uiUrl}/namespaces/default/workflows (HTTP API under ${server.uiUrl}/api/v1/)\n`);
  answerStatsRequests(server);
  return await runUntilSignalled(server, log);
}

/**
 * A parent that started the server with an IPC channel (the benchmark's --server-process mode) may
 * ask for its counters over that channel, so reading them costs no RPC. When that parent goes away
 * the server stops: a benchmark that dies must not leave it running.
 */
function answerStatsRequests(server: DevServer): void {
  if (!process.send) return;
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stats') process.send?.({ type: 'stats', stats: server.stats(), cpuMicros: process.cpuUsage() });
  });
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}

/** First SIGINT/SIGTERM stops the server cleanly; a second one exits at once. */
function runUntilSignalled(server: DevServer, log: LogFunction): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log('warn', `${signal} again: exiting without waiting for the clean stop`);
        process.exit(130);
      }
      stopping = true;
      log('info', `${signal} received: stopping`);
      server.stop().then(
        () => resolve(0),
        (error: unknown) => {
          log('error', `stop failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`devserver failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
