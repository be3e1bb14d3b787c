/**
 * A run's history: the ordered event list plus the events "buffered" while a workflow task is in
 * flight. Buffered events get their ids only when flushed (the real server does the same), so a
 * buffered completion event that must point at a buffered started event records that link as
 * `startedRef` and has it resolved at flush time.
 */
import { EventType, Msg } from '../proto';

const eventTypeNames: Record<number, string> = {};
for (const [name, value] of Object.entries(EventType)) {
  if (typeof value === 'number') eventTypeNames[value] = name;
}

const attributesKeys: Record<number, string> = {};
for (const [value, name] of Object.entries(eventTypeNames)) {
  const camel = name
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
  attributesKeys[Number(value)] = `${camel}EventAttributes`;
}

export function eventTypeName(eventType: number): string {
  return eventTypeNames[eventType] ?? `EVENT_TYPE_${eventType}`;
}

export function attributesOf(event: Msg): Msg {
  return event[attributesKeys[event.eventType]] ?? {};
}

export function makeEvent(eventType: number, attributes: Msg, timeMs: number): Msg {
  const whole = Math.floor(timeMs / 1000);
  return {
    eventId: 0,
    eventTime: { seconds: whole, nanos: (timeMs - whole * 1000) * 1e6 },
    eventType,
    taskId: 0,
    [attributesKeys[eventType]]: attributes,
  };
}

export interface BufferedEvent {
  event: Msg;
  /** Index into the buffer of the event whose id becomes this event's `startedEventId`. */
  startedRef?: number;
}

export class History {
  readonly events: Msg[] = [];
  buffered: BufferedEvent[] = [];

  get nextEventId(): number {
    return this.events.length + 1;
  }

  get lastEvent(): Msg | undefined {
    return this.events[this.events.length - 1];
  }

  append(event: Msg): Msg {
    event.eventId = this.events.length + 1;
    this.events.push(event);
    return event;
  }

  buffer(event: Msg, startedRef?: number): number {
    this.buffered.push({ event, startedRef });
    return this.buffered.length - 1;
  }

  /** Position of a still-buffered event, or -1. */
  bufferIndexOf(event: Msg): number {
    return this.buffered.findIndex((entry) => entry.event === event);
  }

  /** Appends the buffered events in order, resolving their `startedRef` links. */
  flush(): Msg[] {
    const flushed = this.buffered;
    this.buffered = [];
    for (const entry of flushed) {
      this.append(entry.event);
      if (entry.startedRef !== undefined) {
        attributesOf(entry.event).startedEventId = flushed[entry.startedRef].event.eventId;
      }
    }
    return flushed.map((entry) => entry.event);
  }
}
