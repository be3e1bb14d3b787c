/** User timer operations: start (from a StartTimer command), fire, cancel. */
import { EventType as E, Msg } from '../proto';
import type { Engine } from './engine';
import type { Run } from './run';
import type { TimerState } from './timer-state';

const deadlineName = (timerId: string) => `timer:${timerId}`;

export function armTimer(engine: Engine, run: Run, timer: TimerState): void {
  engine.setDeadline(run, deadlineName(timer.timerId), timer.fireAtMs, () => fireTimer(engine, run, timer.timerId, timer.startedEventId));
}

export function startTimer(engine: Engine, run: Run, attributes: Msg, completedEventId: number): void {
  engine.appendEvent(run, E.EVENT_TYPE_TIMER_STARTED, {
    timerId: attributes.timerId,
    startToFireTimeout: attributes.startToFireTimeout,
    workflowTaskCompletedEventId: completedEventId,
  });
  armTimer(engine, run, run.timers.get(attributes.timerId)!);
}

function fireTimer(engine: Engine, run: Run, timerId: string, startedEventId: number): void {
  const timer = run.timers.get(timerId);
  if (!run.isRunning || !timer || timer.startedEventId !== startedEventId) return;
  engine.appendExternalEvent(run, E.EVENT_TYPE_TIMER_FIRED, { timerId, startedEventId });
  engine.requestWorkflowTask(run);
}

export function cancelTimer(engine: Engine, run: Run, timerId: string, completedEventId: number, identity: string): void {
  const timer = run.timers.get(timerId)!;
  engine.clearDeadline(run, deadlineName(timerId));
  engine.appendEvent(run, E.EVENT_TYPE_TIMER_CANCELED, {
    timerId,
    startedEventId: timer.startedEventId,
    workflowTaskCompletedEventId: completedEventId,
    identity,
  });
}

