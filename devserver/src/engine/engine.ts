/**
 * The engine: namespaces, runs, matching queues, deadlines and the journal hook. Operations on
 * entities live in their own modules (workflow-task.ts, activity.ts, timer.ts, ...) and use the
 * primitives here to append events and hand out tasks.
 *
 * Entities never schedule workflow tasks themselves: they call `requestWorkflowTask(run)`, and
 * every operation ends in `commit()`/`afterCommit()`, which hands the requesting runs to the one
 * scheduler the engine was built with (see create.ts), as the server's update actions do.
 */
import { randomUUID } from 'node:crypto';
import { Msg } from '../proto';
import { namespaceNotFound, notFound } from '../grpc/errors';
import { EngineClock, WallClock } from './clock';
import { makeEvent } from './history';
import { Run, runKeyOf } from './run';
import { TaskQueue } from './task-queue';
import { ActivityTaskOffer, WorkflowQueueTask } from './tasks';
import type { PendingQuery } from './query-state';

export type LogFn = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

export interface NamespaceRecord {
  name: string;
  id: string;
  description: string;
  ownerEmail: string;
  retentionDays: number;
  registeredAtMs: number;
  data: Record<string, string>;
}

export interface EngineJournal {
  namespaceChanged(record: NamespaceRecord): void;
  runChanged(run: Run): void;
  /** A closed run left retention: it need not be kept any more. */
  runRemoved(run: Run): void;
  /** Resolves once every change reported so far is durable. */
  flush(): Promise<void>;
}

export interface EngineOptions {
  longPollTimeoutMs: number;
  log: LogFn;
  /** The time source of every timestamp and deadline; the wall clock unless the server skips time. */
  clock?: EngineClock;
}

/** Schedules the workflow task a run requested (workflow-task.ts); injected so that imports run one way. */
export type WorkflowTaskScheduler = (engine: Engine, run: Run) => void;

export class Engine {
  readonly namespaces = new Map<string, NamespaceRecord>();
  readonly runs = new Map<string, Run>();
  /** namespace\0workflowId → its runs, oldest first. */
  readonly workflows = new Map<string, Run[]>();
  readonly workflowQueues = new Map<string, TaskQueue<WorkflowQueueTask>>();
  readonly activityQueues = new Map<string, TaskQueue<ActivityTaskOffer>>();
  readonly queries = new Map<string, PendingQuery>();
  journal?: EngineJournal;
  stopped = false;
  readonly clock: EngineClock;
  /** Deferred steps (runSoon) not yet run: work in flight, as far as a skipping clock is concerned. */
  private pendingSteps = 0;
  /** Runs whose entities asked for a workflow task during the current operation. */
  private readonly workflowTaskRequests = new Set<Run>();

  constructor(
    readonly options: EngineOptions,
    private readonly scheduleWorkflowTask: WorkflowTaskScheduler,
  ) {
    this.clock = options.clock ?? new WallClock();
  }

  /** Milliseconds since the epoch on the engine's clock. */
  now(): number {
    return this.clock.now();
  }

  /**
   * Work in flight that a time-skipping clock must not jump over, as Temporal's test server counts
   * it: each open run's workflow task (requested, scheduled or started), each activity attempt that
   * is queued or running (not one waiting out a retry backoff), each query waiting for a worker, and
   * each deferred engine step.
   */
  holdsOnClock(): number {
    let holds = this.pendingSteps + this.queries.size + this.workflowTaskRequests.size;
    for (const run of this.runs.values()) {
      if (!run.isRunning) continue;
      if (run.workflowTask || run.workflowTaskRequested) holds++;
      for (const activity of run.activities.values()) if (activity.phase !== 'backoff') holds++;
    }
    return holds;
  }

  get log(): LogFn {
    return this.options.log;
  }

  // ---- namespaces -------------------------------------------------------------------------

  registerNamespace(name: string, fields: Partial<NamespaceRecord> = {}): NamespaceRecord {
    const record: NamespaceRecord = {
      name,
      id: fields.id ?? randomUUID(),
      description: fields.description ?? '',
      ownerEmail: fields.ownerEmail ?? '',
      retentionDays: fields.retentionDays ?? 1,
      registeredAtMs: fields.registeredAtMs ?? this.now(),
      data: fields.data ?? {},
    };
    this.namespaces.set(name, record);
    this.journal?.namespaceChanged(record);
    return record;
  }

  requireNamespace(name: string | undefined): NamespaceRecord {
    const record = this.namespaces.get(name ?? '');
    if (!record) throw namespaceNotFound(name ?? '');
    return record;
  }

  // ---- runs -------------------------------------------------------------------------------

  addRun(run: Run): void {
    this.runs.set(run.key, run);
    const workflowKey = `${run.namespace}\u0000${run.workflowId}`;
    const list = this.workflows.get(workflowKey);
    if (list) list.push(run);
    else this.workflows.set(workflowKey, [run]);
  }

  /**
   * Drops closed runs older than their namespace's retention period (the latest run of a
   * workflow id is kept so id-reuse policies keep working), as the server's retention does.
   */
  removeExpiredRuns(nowMs = this.now()): number {
    let removed = 0;
    for (const [workflowKey, list] of this.workflows) {
      const kept = list.filter((run, index) => {
        if (run.isRunning || index === list.length - 1) return true;
        const retentionMs = (this.namespaces.get(run.namespace)?.retentionDays ?? 1) * 86_400_000;
        if (run.closeTimeMs + retentionMs > nowMs) return true;
        this.runs.delete(run.key);
        this.journal?.runRemoved(run);
        removed++;
        return false;
      });
      if (kept.length !== list.length) this.workflows.set(workflowKey, kept);
    }
    return removed;
  }

  latestRun(namespace: string, workflowId: string): Run | undefined {
    const list = this.workflows.get(`${namespace}\u0000${workflowId}`);
    return list?.[list.length - 1];
  }

  getRun(namespace: string, workflowId: string, runId: string): Run | undefined {
    return this.runs.get(runKeyOf(namespace, workflowId, runId));
  }

  /** The run an API call addresses: the given run id, or the latest run of the workflow id. */
  findRun(namespace: string, execution: Msg | null | undefined): Run {
    const workflowId = execution?.workflowId ?? '';
    const runId = execution?.runId ?? '';
    const run = runId ? this.getRun(namespace, workflowId, runId) : this.latestRun(namespace, workflowId);
    if (!run) {
      throw notFound(`workflow execution not found for workflow ID "${workflowId}" and run ID "${runId}"`);
    }
    return run;
  }

  // ---- events -----------------------------------------------------------------------------

  /** Appends an event directly to history (used while handling a workflow task or with none in flight). */
  appendEvent(run: Run, eventType: number, attributes: Msg, atMs = this.now()): Msg {
    const event = makeEvent(eventType, attributes, atMs);
    run.history.append(event);
    run.apply(event);
    this.changed(run);
    return event;
  }

  /**
   * Records an event that arrives from outside the workflow (signal, activity result, timer...).
   * With a workflow task in flight it is buffered until that task ends; either way the workflow
   * gets a workflow task to see it.
   */
  appendExternalEvent(run: Run, eventType: number, attributes: Msg, startedEvent?: Msg): Msg {
    const event = makeEvent(eventType, attributes, this.now());
    if (run.workflowTaskInFlight) {
      const startedRef = startedEvent && startedEvent.eventId === 0 ? run.history.bufferIndexOf(startedEvent) : -1;
      if (startedEvent && startedRef < 0) attributes.startedEventId = startedEvent.eventId;
      run.history.buffer(event, startedRef >= 0 ? startedRef : undefined);
      run.apply(event);
      this.changed(run);
      return event;
    }
    if (startedEvent) attributes.startedEventId = startedEvent.eventId;
    run.history.append(event);
    run.apply(event);
    this.changed(run);
    return event;
  }

  /** Marks a run as changed: journal it and wake history long polls. */
  changed(run: Run): void {
    this.journal?.runChanged(run);
    if (run.historyWaiters.size > 0) {
      const waiters = [...run.historyWaiters];
      run.historyWaiters.clear();
      for (const wake of waiters) wake();
    }
  }

  /**
   * Records that the run has something new for the workflow to see. The workflow task is scheduled
   * when the operation ends (or, with a task in flight, when that task completes).
   */
  requestWorkflowTask(run: Run): void {
    run.workflowTaskRequested = true;
    this.workflowTaskRequests.add(run);
  }

  /** Ends an operation: schedules the requested workflow tasks; resolves when all changes so far are durable. */
  commit(): Promise<void> {
    this.scheduleRequestedWorkflowTasks();
    this.clock.poke();
    return this.journal ? this.journal.flush() : Promise.resolve();
  }

  /**
   * Resolves once every change reported so far is durable, the rest of an operation still being
   * applied included: waiters are woken in the middle of one, before its events reach the journal,
   * so the flush starts a microtask later, after that operation. Ends no operation.
   */
  durable(): Promise<void> {
    return Promise.resolve().then(() => (this.journal ? this.journal.flush() : undefined));
  }

  /**
   * Ends an operation like `commit()`, then `then()` once every change so far is durable. In memory
   * that is at once, so a handler answers in the same turn instead of after a promise hop.
   */
  afterCommit<T>(then: () => T): T | Promise<T> {
    this.scheduleRequestedWorkflowTasks();
    this.clock.poke();
    return this.journal ? this.journal.flush().then(then) : then();
  }

  private scheduleRequestedWorkflowTasks(): void {
    if (this.workflowTaskRequests.size === 0) return;
    const runs = [...this.workflowTaskRequests];
    this.workflowTaskRequests.clear();
    for (const run of runs) this.scheduleWorkflowTask(this, run);
  }

  // ---- matching ---------------------------------------------------------------------------

  workflowQueue(namespace: string, name: string): TaskQueue<WorkflowQueueTask> {
    const key = `${namespace}\u0000${name}`;
    let queue = this.workflowQueues.get(key);
    if (!queue) {
      queue = new TaskQueue(name);
      this.workflowQueues.set(key, queue);
    }
    return queue;
  }

  activityQueue(namespace: string, name: string): TaskQueue<ActivityTaskOffer> {
    const key = `${namespace}\u0000${name}`;
    let queue = this.activityQueues.get(key);
    if (!queue) {
      queue = new TaskQueue(name);
      this.activityQueues.set(key, queue);
    }
    return queue;
  }

  // ---- deadlines --------------------------------------------------------------------------

  setDeadline(run: Run, name: string, atMs: number, onExpiry: () => void): void {
    this.clearDeadline(run, name);
    if (this.stopped) return;
    const timer = this.clock.at(atMs, () => {
      run.deadlines.delete(name);
      if (this.stopped) return;
      try {
        onExpiry();
      } catch (error) {
        this.log('error', `deadline ${name} of ${run.workflowId}/${run.runId} failed: ${(error as Error).stack}`);
      }
      this.commit().catch((error) => this.log('error', `journal write failed: ${(error as Error).message}`));
    });
    run.deadlines.set(name, timer);
  }

  clearDeadline(run: Run, name: string): void {
    const timer = run.deadlines.get(name);
    if (timer) {
      timer.cancel();
      run.deadlines.delete(name);
    }
  }

  clearAllDeadlines(run: Run): void {
    for (const timer of run.deadlines.values()) timer.cancel();
    run.deadlines.clear();
  }

  /** Runs `work` on the next turn of the event loop; its failures are logged, never thrown. */
  runSoon(what: string, work: () => void): void {
    this.pendingSteps++;
    setImmediate(() => {
      this.pendingSteps--;
      if (this.stopped) return;
      try {
        work();
      } catch (error) {
        this.log('error', `${what} failed: ${(error as Error).stack ?? String(error)}`);
      }
      this.commit().catch((error) => this.log('error', `journal write failed: ${(error as Error).message}`));
    });
  }

  stop(): void {
    this.stopped = true;
    this.clock.stop();
    for (const run of this.runs.values()) {
      this.clearAllDeadlines(run);
      for (const wake of run.historyWaiters) wake();
      run.historyWaiters.clear();
    }
  }
}
