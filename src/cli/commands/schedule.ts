/**
 * `sparkify schedule …`: scheduled incremental loads through the SDK's ScheduleClient, so they work
 * on the devserver and on any Temporal. Each action starts sparkifyEtl in incremental mode into one
 * long-lived warehouse; the overlap policy (default skip) keeps two runs of one schedule apart, and
 * the warehouse's load lock keeps any two runs apart.
 */
import * as path from 'node:path';
import { Client, ScheduleNotFoundError, ScheduleOverlapPolicy, type ScheduleDescription, type ScheduleHandle } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { Option, type Command } from 'commander';
import { DateTime } from 'luxon';
import { connectClient, describeTemporal, temporalSettings, type TemporalSettings } from '../../client/connection';
import type { SparkifyEtlInput, SparkifyEtlResult, WarehouseProviderName } from '../../contract';
import { sparkifyEtl } from '../../workflows';
import { WAREHOUSE_NAME, WAREHOUSE_PROVIDERS } from '../../workflows/input';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { loadConfig } from '../lib/config-option';
import { etlInputFromOptions, sourceFromOptions } from '../lib/etl-flags';
import { describeError } from '../lib/failure';
import { examples, integerIn, UsageError } from '../lib/options';

const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

interface CreateOptions {
  every?: string;
  cron?: string;
  timeZone?: string;
  source?: string;
  config?: string;
  signRequest?: boolean;
  region?: string;
  warehouse?: string;
  provider?: WarehouseProviderName;
  concurrency?: number;
  maxErrors?: number;
  overlap: string;
  catchupWindow?: string;
  taskQueue?: string;
  paused?: boolean;
  note?: string;
}

async function withClient<T>(body: (client: Client, settings: TemporalSettings) => Promise<T>, taskQueue?: string): Promise<T> {
  const settings = temporalSettings(taskQueue ? { taskQueue } : {});
  const connection = await connectClient(settings);
  try {
    return await body(new Client({ connection, namespace: settings.namespace }), settings);
  } finally {
    await connection.close();
  }
}

/** The schedule's handle, or a UsageError naming the id when it does not exist. */
async function existing(client: Client, scheduleId: string): Promise<{ handle: ScheduleHandle; description: ScheduleDescription }> {
  const handle = client.schedule.getHandle(scheduleId);
  try {
    return { handle, description: await handle.describe() };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) throw new UsageError(`no schedule ${scheduleId}`);
    throw err;
  }
}

function duration(flag: string, text: string): number {
  let ms: number;
  try {
    ms = msToNumber(text as Duration);
  } catch {
    ms = NaN;
  }
  if (!Number.isFinite(ms) || ms < 1000) throw new UsageError(`${flag} ${text}: expected a duration of at least 1s, such as 30s, 15m, 1h or 1d`);
  return ms;
}

function day(flag: string, text: string): Date {
  const parsed = DateTime.fromISO(text, { zone: 'utc' });
  if (!parsed.isValid) throw new UsageError(`${flag} ${text}: expected an ISO date or time, such as 2026-11-01 or 2026-11-01T03:00Z`);
  return parsed.toJSDate();
}

export function addScheduleCommand(program: Command, done: ExitCodeSink): Command {
  const schedule = program
    .command('schedule')
    .summary('create, inspect, pause, trigger, backfill and delete scheduled incremental loads')
    .description(
      'Schedules on $TEMPORAL_ADDRESS (the devserver or any Temporal) whose every action starts an ' +
      'incremental sparkifyEtl run into one long-lived warehouse: each run loads only the files not ' +
      'loaded before. Workers (npm run sparkify -- worker) must poll the task queue.',
    )
    .addHelpText(
      'after',
      examples([
        'npm run sparkify -- schedule create nightly --cron "0 3 * * *" --time-zone Europe/Berlin --source /data/sparkify --warehouse nightly',
        'npm run sparkify -- schedule create hourly --every 1h --source s3://my-bucket/sparkify',
        'npm run sparkify -- schedule describe nightly',
        'npm run sparkify -- schedule pause nightly --note "source migration"',
        'npm run sparkify -- schedule backfill nightly --from 2026-11-01 --to 2026-11-07',
      ]),
    );

  schedule
    .command('create')
    .summary('create a schedule of incremental loads')
    .argument('<scheduleId>', 'the schedule id (also the prefix of its runs\' workflow ids)')
    .option('--every <duration>', 'an action every interval: 30s, 15m, 1h, 1d')
    .option('--cron <expression>', 'an action at cron times ("0 3 * * *" = every day at 03:00)')
    .option('--time-zone <iana>', 'time zone of --cron (default UTC), e.g. Europe/Berlin')
    .option('--source <dir|s3-url>', 'a directory or s3://bucket/prefix holding song_data/ and log_data/ (or [S3] of --config)')
    .option('--no-sign-request', 's3: send unsigned requests')
    .option('--region <name>', 's3: the bucket\'s region')
    .option('--warehouse <name>', 'the long-lived warehouse every run loads into (default: the schedule id, as a name)')
    .addOption(new Option('--provider <name>', 'warehouse provider (default local)').choices(WAREHOUSE_PROVIDERS))
    .option('--concurrency <n>', 'COPY activities in flight per staging kind', integerIn(1, 64))
    .option('--max-errors <n>', 'rejected rows tolerated per run', integerIn(0))
    .addOption(new Option('--overlap <policy>', 'when an action comes while the last run still runs').choices(Object.keys(OVERLAP)).default('skip'))
    .option('--catchup-window <duration>', 'how late a missed action may still be taken (default 1 minute on Temporal)')
    .option('--task-queue <name>', 'task queue of the runs (default $TEMPORAL_TASK_QUEUE or sparkify)')
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note kept with the schedule\'s state')
    .action(commandAction(done, createSchedule));

  schedule
    .command('list')
    .summary('list the schedules')
    .option('--json', 'print JSON')
    .action(commandAction(done, listSchedules));

  schedule
    .command('describe')
    .summary('a schedule\'s spec, state, next runs and recent runs with their outcome and rows loaded')
    .argument('<scheduleId>')
    .option('--json', 'print JSON')
    .option('--next <n>', 'how many next action times to show', integerIn(1, 100), 5)
    .action(commandAction(done, describeSchedule));

  for (const [name, summary] of [['pause', 'pause a schedule (no actions until unpaused)'], ['unpause', 'unpause a schedule']] as const) {
    schedule
      .command(name)
      .summary(summary)
      .argument('<scheduleId>')
      .option('--note <text>', 'why (kept with the schedule\'s state)')
      .action(commandAction(done, (scheduleId: string, options: { note?: string }) => pauseSchedule(name, scheduleId, options)));
  }

  schedule
    .command('trigger')
    .summary('take one action now (the overlap policy applies)')
    .argument('<scheduleId>')
    .action(commandAction(done, triggerSchedule));

  schedule
    .command('backfill')
    .summary('take the actions the schedule would have taken between two times')
    .argument('<scheduleId>')
    .requiredOption('--from <time>', 'start of the range (ISO date or time, UTC unless it says otherwise)')
    .requiredOption('--to <time>', 'end of the range')
    .addOption(new Option('--overlap <policy>', 'overlap policy of the backfilled actions').choices(Object.keys(OVERLAP)).default('buffer-all'))
    .action(commandAction(done, backfillSchedule));

  schedule
    .command('delete')
    .summary('delete a schedule (its runs and warehouse stay)')
    .argument('<scheduleId>')
    .action(commandAction(done, deleteSchedule));

  return schedule;
}

async function createSchedule(scheduleId: string, options: CreateOptions): Promise<number> {
  if ((options.every === undefined) === (options.cron === undefined)) throw new UsageError('give exactly one of --every DURATION and --cron "EXPRESSION"');
  if (options.timeZone !== undefined && options.cron === undefined) throw new UsageError('--time-zone applies to --cron');
  if (options.timeZone !== undefined && !DateTime.local().setZone(options.timeZone).isValid) {
    throw new UsageError(`--time-zone ${options.timeZone}: not an IANA time zone (such as Europe/Berlin)`);
  }
  const every = options.every === undefined ? undefined : duration('--every', options.every);
  const catchupWindow = options.catchupWindow === undefined ? undefined : duration('--catchup-window', options.catchupWindow);
  const warehouseName = options.warehouse ?? scheduleId.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').slice(0, 40);
  if (!WAREHOUSE_NAME.test(warehouseName)) {
    throw new UsageError(`--warehouse ${options.warehouse ?? `(from the schedule id: "${warehouseName}")`}: a warehouse name is a lowercase letter then up to 39 of a-z, 0-9, _`);
  }
  const config = loadConfig(options.config, { secrets: false });
  const source = sourceFromOptions(options, config);
  if (source === undefined) throw new UsageError('--source DIR|s3://bucket/prefix is required (or --config with an [S3] section)');
  if (source.type === 'local' && source.path !== undefined) source.path = path.resolve(source.path);
  const input: SparkifyEtlInput = etlInputFromOptions(
    { provider: options.provider, concurrency: options.concurrency, maxErrors: options.maxErrors, incremental: true, warehouseName },
    source,
  );
  return withClient(async (client, settings) => {
    const handle = await client.schedule.create({
      scheduleId,
      spec: every !== undefined ? { intervals: [{ every }] } : { cronExpressions: [options.cron!], ...(options.timeZone ? { timezone: options.timeZone } : {}) },
      action: { type: 'startWorkflow', workflowType: sparkifyEtl, taskQueue: settings.taskQueue, workflowId: scheduleId, args: [input] },
      policies: { overlap: OVERLAP[options.overlap], ...(catchupWindow !== undefined ? { catchupWindow } : {}) },
      state: { paused: options.paused === true, ...(options.note !== undefined ? { note: options.note } : {}) },
    });
    const { info } = await handle.describe();
    console.log(`created schedule ${scheduleId} on ${describeTemporal(settings)}: incremental loads of ${describeSourceShort(input)} into warehouse ${warehouseName}, task queue "${settings.taskQueue}"`);
    console.log(`next runs: ${info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()).join(', ') || 'none'}`);
    return 0;
  }, options.taskQueue);
}

function describeSourceShort(input: SparkifyEtlInput): string {
  return input.source.path ?? [input.source.logData, input.source.songData].filter(Boolean).join(' + ');
}

async function listSchedules(options: { json?: boolean }): Promise<number> {
  return withClient(async (client) => {
    const rows = [];
    for await (const summary of client.schedule.list()) {
      rows.push({
        scheduleId: summary.scheduleId,
        spec: summary.spec ? describeSpec(summary.spec) : '',
        paused: summary.state.paused,
        note: summary.state.note,
        nextRun: summary.info.nextActionTimes[0]?.toISOString(),
        lastRun: summary.info.recentActions.at(-1)?.action.workflow.workflowId,
      });
    }
    rows.sort((a, b) => a.scheduleId.localeCompare(b.scheduleId));
    if (options.json) console.log(JSON.stringify(rows, null, 2));
    else if (rows.length === 0) console.log('no schedules');
    else for (const r of rows) console.log(`${r.scheduleId}  ${r.paused ? 'PAUSED' : 'active'}  ${r.spec}  next ${r.nextRun ?? '-'}${r.note ? `  (${r.note})` : ''}`);
    return 0;
  });
}

/** "every 1h" / "cron 0 3 * * * (Europe/Berlin)" / calendar specs as Temporal describes them. */
function describeSpec(spec: ScheduleDescription['spec']): string {
  const parts: string[] = [];
  for (const interval of spec.intervals ?? []) parts.push(`every ${formatMs(msToNumber(interval.every))}`);
  for (const cron of (spec as { cronExpressions?: string[] }).cronExpressions ?? []) parts.push(`cron "${cron}"`);
  for (const calendar of spec.calendars ?? []) parts.push(`calendar ${JSON.stringify(calendar)}`);
  if (spec.timezone) parts.push(`(${spec.timezone})`);
  return parts.join(' ');
}

function formatMs(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** One recent action: the run it started, how it ended, and what it loaded. */
interface RecentRun {
  scheduledAt: string;
  workflowId: string;
  runId: string;
  status: string;
  filesAdded?: SparkifyEtlResult['files'];
  rowsAdded?: Record<string, number>;
  error?: string;
}

async function recentRun(client: Client, action: ScheduleDescription['info']['recentActions'][number]): Promise<RecentRun> {
  const { workflowId, firstExecutionRunId: runId } = action.action.workflow;
  const run: RecentRun = { scheduledAt: action.scheduledAt.toISOString(), workflowId, runId, status: 'UNKNOWN' };
  const handle = client.workflow.getHandle<typeof sparkifyEtl>(workflowId, runId);
  try {
    run.status = (await handle.describe()).status.name;
    if (run.status === 'COMPLETED') {
      const result = await handle.result();
      run.filesAdded = result.incremental?.filesAdded ?? result.files;
      run.rowsAdded = result.incremental?.rowsAdded;
    } else if (run.status !== 'RUNNING') {
      await handle.result().catch((err: unknown) => void (run.error = describeError(err).message));
    }
  } catch (err) {
    run.error = describeError(err).message;
  }
  return run;
}

async function describeSchedule(scheduleId: string, options: { json?: boolean; next: number }): Promise<number> {
  return withClient(async (client) => {
    const { description: d } = await existing(client, scheduleId);
    const action = d.action.type === 'startWorkflow' ? d.action : undefined;
    const input = action?.args?.[0] as SparkifyEtlInput | undefined;
    const recent = await Promise.all(d.info.recentActions.map((a) => recentRun(client, a)));
    const report = {
      scheduleId,
      spec: describeSpec(d.spec),
      overlap: String(d.policies.overlap),
      catchupWindowMs: d.policies.catchupWindow,
      paused: d.state.paused,
      note: d.state.note,
      taskQueue: action?.taskQueue,
      warehouse: input?.incremental?.warehouseName,
      source: input?.source,
      actionsTaken: d.info.numActionsTaken,
      skippedOverlap: d.info.numActionsSkippedOverlap,
      running: d.info.runningActions.map((r) => r.workflow.workflowId),
      nextRuns: d.info.nextActionTimes.slice(0, options.next).map((t) => t.toISOString()),
      recentRuns: recent,
    };
    if (options.json) {
      console.log(JSON.stringify(report, null, 2));
      return 0;
    }
    console.log(`schedule ${scheduleId}: ${report.spec}, overlap ${report.overlap}${report.paused ? `, PAUSED${report.note ? ` (${report.note})` : ''}` : ''}`);
    console.log(`action: incremental sparkifyEtl into warehouse ${report.warehouse ?? '?'} from ${input ? describeSourceShort(input) : '?'}, task queue "${report.taskQueue ?? '?'}"`);
    console.log(`actions taken ${report.actionsTaken}, skipped (overlap) ${report.skippedOverlap}, running now: ${report.running.join(', ') || 'none'}`);
    console.log(`next runs: ${report.nextRuns.join(', ') || 'none'}`);
    console.log('recent runs:');
    if (recent.length === 0) console.log('  none yet');
    for (const r of recent) {
      const loaded = r.filesAdded
        ? ` files +${r.filesAdded.events} events +${r.filesAdded.songs} songs` +
          (r.rowsAdded ? `; rows ${Object.entries(r.rowsAdded).map(([t, n]) => `${t} +${n}`).join(', ')}` : '')
        : '';
      console.log(`  ${r.scheduledAt}  ${r.workflowId}  ${r.status}${loaded}${r.error ? `: ${r.error}` : ''}`);
    }
    return 0;
  });
}

async function pauseSchedule(verb: 'pause' | 'unpause', scheduleId: string, options: { note?: string }): Promise<number> {
  return withClient(async (client) => {
    const { handle } = await existing(client, scheduleId);
    if (verb === 'pause') await handle.pause(options.note);
    else await handle.unpause(options.note);
    console.log(`schedule ${scheduleId} ${verb}d${options.note ? ` (${options.note})` : ''}`);
    return 0;
  });
}

async function triggerSchedule(scheduleId: string): Promise<number> {
  return withClient(async (client) => {
    const { handle } = await existing(client, scheduleId);
    await handle.trigger();
    console.log(`schedule ${scheduleId}: one action requested now (its overlap policy applies)`);
    return 0;
  });
}

async function backfillSchedule(scheduleId: string, options: { from: string; to: string; overlap: string }): Promise<number> {
  const start = day('--from', options.from);
  const end = day('--to', options.to);
  if (end <= start) throw new UsageError(`--to ${options.to} must be after --from ${options.from}`);
  return withClient(async (client) => {
    const { handle } = await existing(client, scheduleId);
    await handle.backfill({ start, end, overlap: OVERLAP[options.overlap] });
    console.log(`schedule ${scheduleId}: backfill of the actions from ${start.toISOString()} to ${end.toISOString()} requested (overlap ${options.overlap})`);
    return 0;
  });
}

async function deleteSchedule(scheduleId: string): Promise<number> {
  return withClient(async (client) => {
    const { handle } = await existing(client, scheduleId);
    await handle.delete();
    console.log(`schedule ${scheduleId} deleted (its runs and its warehouse stay)`);
    return 0;
  });
}
