/**
 * Durable state as an append-only journal of JSON lines. Each line records either a namespace or,
 * for one run, the history events appended since its previous line plus the run's side state
 * (what history does not carry: activity attempts and heartbeats, sticky queue, request ids) and
 * its buffered events. Writes are grouped: every change reported before a flush is written with
 * one append and one fsync, and callers await that before answering their RPC.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EngineJournal, LogFn, NamespaceRecord } from '../engine/engine';
import type { Run } from '../engine/run';
import { MessageType, decodePlain, encodeHistoryEvent, temporal } from '../proto';
import { activitySideState, ActivitySideState } from '../engine/activity-state';

export interface RunSideState {
  startRequestId: string;
  requestIds: string[];
  stickyQueue: string;
  stickyScheduleToStartMs: number;
  activities: Record<string, JournaledActivitySide>;
}

/** ActivitySideState with its message-typed fields as base64 protobuf. */
export type JournaledActivitySide = Omit<ActivitySideState, 'heartbeatDetails' | 'lastFailure'> & { heartbeatDetails?: string; lastFailure?: string };

/** A keyed record of an entity outside the engine's runs (e.g. a schedule); `img` null = deleted. */
export type RecordLine = { t: 'rec'; kind: string; key: string; img: unknown };

/** Produces a record's image when it is written (so a write carries its latest state). */
export type RecordImage = () => unknown;

export type JournalLine =
  | { t: 'ns'; ns: NamespaceRecord }
  | RecordLine
  | { t: 'run'; ns: string; wid: string; rid: string; from: number; ev: string[]; buf: { e: string; r?: number }[]; side: RunSideState };

/** Rewrite the journal as a snapshot once it grows past this and doubles since the last snapshot. */
const COMPACT_MIN_BYTES = 64 * 1024 * 1024;

export class Journal implements EngineJournal {
  private readonly pendingNamespaces: NamespaceRecord[] = [];
  private readonly dirtyRuns = new Set<Run>();
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  private size: number;
  private compactedSize: number;
  private closed = false;
  /** Every run the journal has seen, for snapshots. */
  private readonly knownRuns = new Set<Run>();
  private readonly namespaces = new Map<string, NamespaceRecord>();
  /** kind\0key → the latest image of every live record, for writes and snapshots. */
  private readonly records = new Map<string, { kind: string; key: string; image: RecordImage }>();
  private readonly dirtyRecords = new Map<string, { kind: string; key: string; image: RecordImage | null }>();

  constructor(
    private readonly filename: string,
    private handle: fs.FileHandle,
    initialSize: number,
    private readonly log: LogFn,
    readonly recoveredLines: JournalLine[],
  ) {
    this.size = initialSize;
    this.compactedSize = initialSize;
    for (const line of recoveredLines) {
      if (line.t !== 'rec') continue;
      const id = `${line.kind}\u0000${line.key}`;
      const image = line.img;
      if (image === null) this.records.delete(id);
      else this.records.set(id, { kind: line.kind, key: line.key, image: () => image });
    }
  }

  /** The images of `kind`'s records as last written (for recovery). */
  recoveredRecords(kind: string): unknown[] {
    return [...this.records.values()].filter((record) => record.kind === kind).map((record) => record.image());
  }

  /** A record changed (`image` gives its state at write time) or, with null, was deleted. */
  recordChanged(kind: string, key: string, image: RecordImage | null): void {
    const id = `${kind}\u0000${key}`;
    if (image) this.records.set(id, { kind, key, image });
    else this.records.delete(id);
    this.dirtyRecords.set(id, { kind, key, image });
  }

  namespaceChanged(record: NamespaceRecord): void {
    this.namespaces.set(record.name, record);
    this.pendingNamespaces.push(record);
  }

  runChanged(run: Run): void {
    this.knownRuns.add(run);
    this.dirtyRuns.add(run);
  }

  /** Forgets a run removed by retention; the next snapshot leaves it out. */
  runRemoved(run: Run): void {
    this.knownRuns.delete(run);
    this.dirtyRuns.delete(run);
  }

  flush(): Promise<void> {
    if (this.pendingNamespaces.length === 0 && this.dirtyRuns.size === 0 && this.dirtyRecords.size === 0) return this.writing;
    // One write at a time; changes arriving meanwhile share the next write.
    // A failed write fails the calls that waited for it; later writes try again.
    this.queued ??= this.writing.catch(() => undefined).then(() => {
      this.queued = undefined;
      return this.writeBatch();
    });
    this.writing = this.queued;
    return this.queued;
  }

  private async writeBatch(): Promise<void> {
    if (this.closed) return;
    const namespaces = this.pendingNamespaces.splice(0);
    const runs = [...this.dirtyRuns];
    this.dirtyRuns.clear();
    const records = [...this.dirtyRecords];
    this.dirtyRecords.clear();
    const lines: string[] = namespaces.map((record) => JSON.stringify({ t: 'ns', ns: record }));
    for (const [, record] of records) lines.push(JSON.stringify({ t: 'rec', kind: record.kind, key: record.key, img: record.image ? record.image() : null }));
    const counts = runs.map((run) => run.history.events.length);
    runs.forEach((run, index) => lines.push(JSON.stringify(runLine(run, run.journaledEventCount, counts[index]))));
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    try {
      await this.handle.appendFile(text, 'utf8');
      await this.handle.datasync();
    } catch (error) {
      // Nothing of this batch counts as written: the next write carries it again.
      this.pendingNamespaces.unshift(...namespaces);
      for (const run of runs) this.dirtyRuns.add(run);
      for (const [id, record] of records) if (!this.dirtyRecords.has(id)) this.dirtyRecords.set(id, record);
      throw error;
    }
    runs.forEach((run, index) => (run.journaledEventCount = counts[index]));
    this.size += Buffer.byteLength(text);
    if (this.size > COMPACT_MIN_BYTES && this.size > 2 * this.compactedSize) await this.compact();
  }

  /** Compacts after the writes already queued (runtime callers must not race a write). */
  compactAfterWrites(): Promise<void> {
    this.writing = this.writing.catch(() => undefined).then(() => this.compact());
    return this.writing;
  }

  /** Replaces the journal with one line per namespace and per run. */
  async compact(runs: Iterable<Run> = this.knownRuns): Promise<void> {
    const tmp = `${this.filename}.compact-${process.pid}`;
    const lines: string[] = [];
    for (const record of this.namespaces.values()) lines.push(JSON.stringify({ t: 'ns', ns: record }));
    for (const record of this.records.values()) lines.push(JSON.stringify({ t: 'rec', kind: record.kind, key: record.key, img: record.image() }));
    for (const run of runs) {
      this.knownRuns.add(run);
      lines.push(JSON.stringify(runLine(run, 0)));
      run.journaledEventCount = run.history.events.length;
    }
    const text = lines.length ? lines.join('\n') + '\n' : '';
    const out = await fs.open(tmp, 'w');
    await out.writeFile(text, 'utf8');
    await out.sync();
    await out.close();
    await fs.rename(tmp, this.filename);
    await this.handle.close();
    this.handle = await fs.open(this.filename, 'a');
    await syncDirectory(this.filename);
    this.size = Buffer.byteLength(text);
    this.compactedSize = this.size;
    this.log('debug', `journal compacted to ${this.size} bytes`);
  }

  async close(): Promise<void> {
    await this.flush().catch(() => undefined);
    this.closed = true;
    await this.writing.catch(() => undefined);
    await this.handle.close().catch(() => undefined);
  }
}

function runLine(run: Run, from: number, to = run.history.events.length): JournalLine {
  const activities: Record<string, JournaledActivitySide> = {};
  for (const [id, activity] of run.activities) activities[id] = encodeActivitySide(activitySideState(activity));
  return {
    t: 'run',
    ns: run.namespace,
    wid: run.workflowId,
    rid: run.runId,
    from,
    ev: run.history.events.slice(from, to).map((event) => encodeHistoryEvent(event).toString('base64')),
    buf: run.history.buffered.map((entry) => ({ e: encodeHistoryEvent(entry.event).toString('base64'), r: entry.startedRef })),
    side: {
      startRequestId: run.startRequestId,
      // The most recent request ids are enough to recognise a client retrying its call.
      requestIds: [...run.requestIds].slice(-100),
      stickyQueue: run.stickyQueue,
      stickyScheduleToStartMs: run.stickyScheduleToStartMs,
      activities,
    },
  };
}

const Payloads = temporal.api.common.v1.Payloads;
const Failure = temporal.api.failure.v1.Failure;

/** Message-typed side fields go through protobuf (base64), as JSON cannot carry their bytes. */
function encodeActivitySide(side: ActivitySideState): JournaledActivitySide {
  return {
    ...side,
    heartbeatDetails: side.heartbeatDetails ? Buffer.from(Payloads.encode(side.heartbeatDetails).finish()).toString('base64') : undefined,
    lastFailure: side.lastFailure ? Buffer.from(Failure.encode(side.lastFailure).finish()).toString('base64') : undefined,
  };
}

export function decodeActivitySide(side: JournaledActivitySide): ActivitySideState {
  const decode = (type: MessageType, value: unknown) => (typeof value === 'string' ? decodePlain(type, Buffer.from(value, 'base64')) : undefined);
  return {
    ...side,
    heartbeatDetails: decode(Payloads as unknown as MessageType, side.heartbeatDetails),
    lastFailure: decode(Failure as unknown as MessageType, side.lastFailure),
  };
}

async function syncDirectory(filename: string): Promise<void> {
  try {
    const dir = await fs.open(path.dirname(filename), 'r');
    await dir.sync().catch(() => undefined);
    await dir.close();
  } catch {
    // Some filesystems do not allow opening directories; the rename is still atomic.
  }
}

/** Opens (creating if needed) the journal and reads what it holds; a torn last line is ignored. */
export async function openJournal(filename: string, log: LogFn): Promise<Journal> {
  await fs.mkdir(path.dirname(path.resolve(filename)), { recursive: true });
  let text = '';
  try {
    text = await fs.readFile(filename, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const lines: JournalLine[] = [];
  const raw = text.split('\n');
  for (let index = 0; index < raw.length; index++) {
    const line = raw[index];
    if (!line.trim()) continue;
    try {
      lines.push(JSON.parse(line) as JournalLine);
    } catch {
      // Only the last line can be torn by a crash mid-append; anything else is corruption.
      if (index < raw.length - 2) throw new Error(`${filename}:${index + 1}: journal line is not valid JSON`);
      log('warn', `${filename}:${index + 1}: ignoring a torn final journal line`);
    }
  }
  const handle = await fs.open(filename, 'a');
  return new Journal(filename, handle, Buffer.byteLength(text), log, lines);
}
