/**
 * The pipeline as three processes, so each one's memory is its own: our devserver, a `sparkify
 * worker` (activities, parser threads and, as its children, the embedded PostgreSQL) and a
 * `sparkify run --wait --json` client. Per-kind staging spans are read from the run's history.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

const root = path.resolve(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** Spawns `tsx <args>` in the project and resolves with the process once a stdout line matches `ready`. */
export function spawnUntilReady(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, timeoutMs = 120_000): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(tsx, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} not ready within ${timeoutMs} ms:\n${stdout}${stderr}`));
    }, timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = stdout.match(ready);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${stdout}${stderr}`));
    });
  });
}

/** SIGINT, then SIGKILL after `graceMs`; resolves when the process has exited. */
export function stopProcess(child: ChildProcess, graceMs = 30_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGINT');
  });
}

export async function startDevserverProcess(env: NodeJS.ProcessEnv): Promise<{ address: string; stop: () => Promise<void> }> {
  const { child, match } = await spawnUntilReady(['devserver/src/main.ts', '--port', '0', '--headless', '--log-level', 'warn'], env, /listening on (\S+)/);
  return { address: match[1], stop: () => stopProcess(child) };
}

/** One staging kind as its COPY activities ran: first scheduled to last completed, and what they loaded. */
export interface KindSpan {
  seconds: number;
  files: number;
  rows: number;
  filesPerSecond: number;
}

const COPY_ACTIVITIES: Record<string, 'events' | 'songs'> = { copyStagingEvents: 'events', copyStagingSongs: 'songs' };

function timeOf(event: HistoryEvent): number {
  const t = event.eventTime;
  return Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;
}

/** Per-kind staging spans of a finished run, from its history (the two kinds run side by side). */
export function stagingSpans(events: HistoryEvent[]): Record<'events' | 'songs', KindSpan> {
  const kindOfScheduled = new Map<string, 'events' | 'songs'>();
  const acc = { events: { start: Infinity, end: 0, files: 0, rows: 0 }, songs: { start: Infinity, end: 0, files: 0, rows: 0 } };
  for (const event of events) {
    const id = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) {
      const kind = COPY_ACTIVITIES[scheduled.activityType?.name ?? ''];
      if (kind) {
        kindOfScheduled.set(id, kind);
        acc[kind].start = Math.min(acc[kind].start, timeOf(event));
      }
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (completed) {
      const kind = kindOfScheduled.get(String(completed.scheduledEventId));
      if (!kind) continue;
      acc[kind].end = Math.max(acc[kind].end, timeOf(event));
      const payload = completed.result?.payloads?.[0];
      const result = payload ? (defaultPayloadConverter.fromPayload(payload as never) as { filesDone: number; rowsLoaded: number; rowsRejected: number }) : undefined;
      acc[kind].files += result?.filesDone ?? 0;
      acc[kind].rows += (result?.rowsLoaded ?? 0) + (result?.rowsRejected ?? 0);
    }
  }
  const span = (a: (typeof acc)['events']): KindSpan => {
    const seconds = a.end > a.start ? (a.end - a.start) / 1000 : 0;
    return { seconds, files: a.files, rows: a.rows, filesPerSecond: seconds > 0 ? a.files / seconds : 0 };
  };
  return { events: span(acc.events), songs: span(acc.songs) };
}

export async function fetchStagingSpans(address: string, workflowId: string): Promise<Record<'events' | 'songs', KindSpan>> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection, namespace: 'default' });
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    return stagingSpans(history.events ?? []);
  } finally {
    await connection.close();
  }
}
