/** The user timer entity: STARTED → (fired | canceled). */
import { Msg, durationToMs, timestampToMs } from '../proto';

export interface TimerState {
  timerId: string;
  startedEventId: number;
  fireAtMs: number;
}

export function timerFromStarted(event: Msg, attributes: Msg): TimerState {
  return {
    timerId: attributes.timerId,
    startedEventId: event.eventId,
    fireAtMs: timestampToMs(event.eventTime) + durationToMs(attributes.startToFireTimeout),
  };
}
