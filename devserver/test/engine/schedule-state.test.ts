/**
 * The schedule entity and its spec without a server: next times for each spec form (checked against
 * times worked out by hand), and the state machine's policies with recorded actions standing in
 * for the engine.
 */
import { Msg, enums, msToDuration, msToTimestamp } from '../../src/proto';
import { BufferedStart, RunningWorkflow, Schedule, ScheduleActions, WorkflowOutcome, resolvePolicies } from '../../src/schedules/schedule';
import { CompiledSpec, SpecError, canonicalizeSpec } from '../../src/schedules/spec';

const Overlap = enums.ScheduleOverlapPolicy;
const Status = enums.WorkflowExecutionStatus;

function times(spec: Msg, fromIso: string, count: number): string[] {
  const compiled = new CompiledSpec(canonicalizeSpec(spec));
  const out: string[] = [];
  let after = Date.parse(fromIso);
  for (let index = 0; index < count; index++) {
    const next = compiled.next(after, 'seed');
    if (!next) break;
    out.push(new Date(next.nextMs).toISOString().replace('.000Z', 'Z'));
    after = next.nextMs;
  }
  return out;
}

describe('spec', () => {
  test('cron fields: ranges with steps, lists, names, 7-field form with seconds and year', () => {
    expect(times({ cronString: ['0 5-10/2 1,15 jan-mar *'] }, '2026-01-01T06:00:00Z', 4)).toEqual([
      '2026-01-01T07:00:00Z', '2026-01-01T09:00:00Z', '2026-01-15T05:00:00Z', '2026-01-15T07:00:00Z',
    ]);
    expect(times({ cronString: ['0 9 * * mon-fri'] }, '2026-12-04T10:00:00Z', 3)).toEqual(['2026-12-07T09:00:00Z', '2026-12-08T09:00:00Z', '2026-12-09T09:00:00Z']);
    expect(times({ cronString: ['15,45 30 12 * * * 2027'] }, '2026-06-01T00:00:00Z', 3)).toEqual(['2027-01-01T12:30:15Z', '2027-01-01T12:30:45Z', '2027-01-02T12:30:15Z']);
    expect(times({ cronString: ['0 0 29 feb *'] }, '2026-01-01T00:00:00Z', 2)).toEqual(['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
    expect(times({ cronString: ['0 0 * * 7 # sundays'] }, '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-06T00:00:00Z']);
  });

  test('shortcuts and @every with a phase', () => {
    expect(times({ cronString: ['@daily'] }, '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z']);
    expect(times({ cronString: ['@hourly'] }, '2026-01-01T00:30:00Z', 1)).toEqual(['2026-01-01T01:00:00Z']);
    expect(times({ cronString: ['@weekly'] }, '2026-12-01T00:00:00Z', 1)).toEqual(['2026-12-06T00:00:00Z']);
    expect(times({ cronString: ['@monthly'] }, '2026-12-02T00:00:00Z', 1)).toEqual(['2027-01-01T00:00:00Z']);
    expect(times({ cronString: ['@yearly'] }, '2026-12-02T00:00:00Z', 1)).toEqual(['2027-01-01T00:00:00Z']);
    // epoch + n * 90 min + 15 min
    expect(times({ cronString: ['@every 90m/15m'] }, '2026-01-01T00:00:00Z', 3)).toEqual(['2026-01-01T00:15:00Z', '2026-01-01T01:45:00Z', '2026-01-01T03:15:00Z']);
  });

  test('interval with phase, structured calendar, exclusions, start and end time', () => {
    const interval = { interval: [{ interval: msToDuration(3_600_000), phase: msToDuration(19 * 60_000) }] };
    expect(times(interval, '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-01T00:19:00Z', '2026-01-01T01:19:00Z']);
    const weekendEverySixHours = { calendar: [{ hour: '*/6', dayOfWeek: 'sat,sun' }], excludeCalendar: [{ hour: '12' }] };
    expect(times(weekendEverySixHours, '2026-12-04T10:00:00Z', 4)).toEqual(['2026-12-05T00:00:00Z', '2026-12-05T06:00:00Z', '2026-12-05T18:00:00Z', '2026-12-06T00:00:00Z']);
    const bounded = { interval: [{ interval: msToDuration(60_000) }], startTime: msToTimestamp(Date.parse('2026-01-01T00:10:00Z')), endTime: msToTimestamp(Date.parse('2026-01-01T00:12:00Z')) };
    expect(times(bounded, '2026-01-01T00:00:00Z', 5)).toEqual(['2026-01-01T00:10:00Z', '2026-01-01T00:11:00Z', '2026-01-01T00:12:00Z']);
  });

  test('time zones: wall-clock matching skips a DST gap and repeats an overlap', () => {
    expect(times({ cronString: ['30 2 * * *'], timezoneName: 'America/New_York' }, '2026-03-07T00:00:00Z', 3)).toEqual([
      '2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z', '2026-03-10T06:30:00Z',
    ]);
    expect(times({ cronString: ['CRON_TZ=America/New_York */20 1 * * *'] }, '2026-11-01T05:30:00Z', 6)).toEqual([
      '2026-11-01T05:40:00Z', '2026-11-01T06:00:00Z', '2026-11-01T06:20:00Z', '2026-11-01T06:40:00Z', '2026-11-02T06:00:00Z', '2026-11-02T06:20:00Z',
    ]);
    expect(times({ cronString: ['0 9 * * *'], timezoneName: 'Europe/Berlin' }, '2026-03-28T00:00:00Z', 2)).toEqual(['2026-03-28T08:00:00Z', '2026-03-29T07:00:00Z']);
    expect(canonicalizeSpec({ cronString: ['TZ=Asia/Tokyo @daily'] }).timezoneName).toBe('Asia/Tokyo');
  });

  test('jitter is deterministic and stays below the next nominal time', () => {
    const spec = new CompiledSpec(canonicalizeSpec({ interval: [{ interval: msToDuration(10_000) }], jitter: msToDuration(60_000) }));
    const start = Date.parse('2026-01-01T00:00:00Z');
    const offsets = new Set<number>();
    for (let index = 0; index < 50; index++) {
      const next = spec.next(start + index * 10_000, 'a')!;
      expect(next.nominalMs).toBe(start + (index + 1) * 10_000);
      expect(next.nextMs - next.nominalMs).toBeGreaterThanOrEqual(0);
      expect(next.nextMs - next.nominalMs).toBeLessThan(10_000);
      expect(spec.next(start + index * 10_000, 'a')).toEqual(next);
      offsets.add(next.nextMs - next.nominalMs);
    }
    expect(offsets.size).toBeGreaterThan(10);
  });

  test('invalid specs name the problem', () => {
    const problem = (spec: Msg) => {
      try {
        canonicalizeSpec(spec);
      } catch (error) {
        expect(error).toBeInstanceOf(SpecError);
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(problem({ cronString: ['61 * * * *'] })).toBe('cron_string "61 * * * *": minute: 61 is out of range [0-59]');
    expect(problem({ cronString: ['* * *'] })).toMatch(/expected 5, 6 or 7 fields/);
    expect(problem({ timezoneName: 'Mars/Olympus' })).toBe('unknown time zone "Mars/Olympus"');
    expect(problem({ interval: [{ interval: msToDuration(500) }] })).toMatch(/interval is too small/);
    expect(problem({ interval: [{ interval: msToDuration(60_000), phase: msToDuration(60_000) }] })).toMatch(/phase cannot be greater/);
    expect(problem({ cronString: ['CRON_TZ=Asia/Tokyo @daily'], timezoneName: 'UTC' })).toBe('conflicting timezone names');
    expect(problem({ structuredCalendar: [{ hour: [{ start: 25 }] }] })).toMatch(/Hour Start is not in range \[0-23\]/);
  });
});

/** Stands in for the engine: records what the schedule asks and lets the test close workflows. */
class RecordedActions implements ScheduleActions {
  readonly started: string[] = [];
  readonly cancelled: string[] = [];
  readonly terminated: string[] = [];
  readonly outcomes = new Map<string, WorkflowOutcome>();

  now(): number {
    return Date.now();
  }

  startWorkflow(_schedule: Schedule, workflowId: string, _start: BufferedStart): RunningWorkflow {
    this.started.push(workflowId);
    this.outcomes.set(workflowId, { running: true, status: Status.WORKFLOW_EXECUTION_STATUS_RUNNING });
    return { workflowId, runId: `run-of-${workflowId}` };
  }

  outcome(_schedule: Schedule, workflow: RunningWorkflow): WorkflowOutcome {
    return this.outcomes.get(workflow.workflowId)!;
  }

  cancel(_schedule: Schedule, workflow: RunningWorkflow): void {
    this.cancelled.push(workflow.workflowId);
  }

  terminate(_schedule: Schedule, workflow: RunningWorkflow): void {
    this.terminated.push(workflow.workflowId);
    this.outcomes.set(workflow.workflowId, { running: false, status: Status.WORKFLOW_EXECUTION_STATUS_TERMINATED });
  }

  close(workflowId: string, outcome: Omit<WorkflowOutcome, 'running'>): void {
    this.outcomes.set(workflowId, { running: false, ...outcome });
  }
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

function everySecond(policies: Msg = {}, state: Msg = {}): Schedule {
  return new Schedule({
    namespace: 'default',
    scheduleId: 'sched',
    schedule: {
      spec: canonicalizeSpec({ interval: [{ interval: msToDuration(1000) }] }),
      action: { startWorkflow: { workflowId: 'wf', workflowType: { name: 'w' }, taskQueue: { name: 'q' } } },
      policies: resolvePolicies(policies),
      state,
    },
    info: { actionCount: 0, missedCatchupWindow: 0, overlapSkipped: 0, bufferDropped: 0, runningWorkflows: [], recentActions: [], createTimeMs: T0, updateTimeMs: 0 },
    lastProcessedMs: T0,
    conflictToken: 1,
    buffer: [],
  });
}

function step(schedule: Schedule, actions: RecordedActions, toMs: number): void {
  schedule.advance(toMs);
  for (let pass = 0; pass < 10 && schedule.drainBuffer(actions); pass++);
}

describe('schedule state machine', () => {
  test('workflow ids carry the nominal time in RFC 3339', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 2500);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z', 'wf-2026-01-01T00:00:02Z']);
    // Overlapping (allow-all) runs are not tracked as running.
    expect(schedule.info.runningWorkflows).toEqual([]);
  });

  test('catch-up window: times older than the window when the schedule wakes are missed and counted', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL, catchupWindow: msToDuration(10_000) });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 30_000);
    expect(schedule.info.missedCatchupWindow).toBe(19);
    expect(actions.started).toHaveLength(11);
    expect(actions.started[0]).toBe('wf-2026-01-01T00:00:20Z');
  });

  test('remaining actions: the limit stops spec actions; a trigger still runs', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL }, { limitedActions: true, remainingActions: 2 });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 5000);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z', 'wf-2026-01-01T00:00:02Z']);
    expect(schedule.state.remainingActions).toBe(0);
    expect(schedule.nextWakeMs()).toBeUndefined();
    expect(schedule.futureActionTimes(10)).toEqual([]);
    schedule.applyPatch({ triggerImmediately: { overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL } }, T0 + 5500);
    step(schedule, actions, T0 + 5500);
    expect(actions.started).toHaveLength(3);
  });

  test('pause on failure pauses with a note naming the workflow and its failure', () => {
    const schedule = everySecond({ pauseOnFailure: true });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 1000);
    actions.close('wf-2026-01-01T00:00:01Z', { status: Status.WORKFLOW_EXECUTION_STATUS_FAILED, failure: { message: 'boom' } });
    step(schedule, actions, T0 + 2000);
    expect(schedule.paused).toBe(true);
    expect(schedule.state.notes).toBe('paused due to workflow failure: wf-2026-01-01T00:00:01Z: boom');
    expect(schedule.info.recentActions[0].startWorkflowStatus).toBe(Status.WORKFLOW_EXECUTION_STATUS_FAILED);
    step(schedule, actions, T0 + 5000);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z']);
  });

  test('buffer all keeps every start and runs them one after another', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_BUFFER_ALL });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 3000);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z']);
    expect(schedule.buffer).toHaveLength(2);
    actions.close('wf-2026-01-01T00:00:01Z', { status: Status.WORKFLOW_EXECUTION_STATUS_COMPLETED, result: { payloads: [] } });
    step(schedule, actions, T0 + 3100);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z', 'wf-2026-01-01T00:00:02Z']);
    expect(schedule.buffer).toHaveLength(1);
    expect(schedule.info.overlapSkipped).toBe(0);
  });

  test('terminate other terminates the running workflow and starts the new one at once', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_TERMINATE_OTHER });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 1000);
    step(schedule, actions, T0 + 2000);
    expect(actions.terminated).toEqual(['wf-2026-01-01T00:00:01Z']);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z', 'wf-2026-01-01T00:00:02Z']);
    expect(schedule.info.runningWorkflows.map((workflow) => workflow.workflowId)).toEqual(['wf-2026-01-01T00:00:02Z']);
  });

  test('cancel other requests cancellation and starts the new one once the old one closed', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_CANCEL_OTHER });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 1000);
    step(schedule, actions, T0 + 2000);
    expect(actions.cancelled).toEqual(['wf-2026-01-01T00:00:01Z']);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z']);
    actions.close('wf-2026-01-01T00:00:01Z', { status: Status.WORKFLOW_EXECUTION_STATUS_CANCELED });
    step(schedule, actions, T0 + 2100);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z', 'wf-2026-01-01T00:00:02Z']);
  });

  test('an update discards times before it; a paused stretch is not made up after unpausing', () => {
    const schedule = everySecond({ overlapPolicy: Overlap.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL });
    const actions = new RecordedActions();
    step(schedule, actions, T0 + 1000);
    schedule.applyPatch({ pause: 'hold' }, T0 + 1000);
    step(schedule, actions, T0 + 5000);
    schedule.applyPatch({ unpause: 'go' }, T0 + 5000);
    step(schedule, actions, T0 + 6000);
    expect(actions.started).toEqual(['wf-2026-01-01T00:00:01Z', 'wf-2026-01-01T00:00:06Z']);
    expect(schedule.conflictToken).toBe(3);
  });
});
