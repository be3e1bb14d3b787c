/** Responses with a history are written from cached event bytes; they must decode exactly as a plain encoding does. */
import { temporal } from '@temporalio/proto';
import { encodeHistoryEvent, encodeMessage, MessageType } from '../../src/proto';
import { makeEvent } from '../../src/engine/history';

const { EventType } = temporal.api.enums.v1;
const ws = temporal.api.workflowservice.v1;

function events(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const event = makeEvent(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, { activityId: `a${index}`.repeat(index % 50), activityType: { name: 'noop' } }, 1_700_000_000_123 + index);
    event.eventId = index + 1;
    return event;
  });
}

test.each([1, 3, 200])('a poll response with %i events decodes as the plain encoding does', (count) => {
  const type = ws.PollWorkflowTaskQueueResponse as unknown as MessageType;
  const response = { taskToken: Buffer.from('token'), startedEventId: count, attempt: 1, history: { events: events(count) }, workflowType: { name: 'W' } };
  const spliced = ws.PollWorkflowTaskQueueResponse.decode(encodeMessage(type, response));
  const plain = ws.PollWorkflowTaskQueueResponse.decode(type.encode(response).finish());
  expect(ws.PollWorkflowTaskQueueResponse.toObject(spliced)).toEqual(ws.PollWorkflowTaskQueueResponse.toObject(plain));
});

test('a history page response (history is field 1) decodes as the plain encoding does', () => {
  const type = ws.GetWorkflowExecutionHistoryResponse as unknown as MessageType;
  const response = { history: { events: events(20) }, nextPageToken: Buffer.from('next') };
  const spliced = ws.GetWorkflowExecutionHistoryResponse.decode(encodeMessage(type, response));
  const plain = ws.GetWorkflowExecutionHistoryResponse.decode(type.encode(response).finish());
  expect(ws.GetWorkflowExecutionHistoryResponse.toObject(spliced)).toEqual(ws.GetWorkflowExecutionHistoryResponse.toObject(plain));
});

test('an appended event is encoded once; a buffered one (id 0) every time', () => {
  const [appended] = events(1);
  expect(encodeHistoryEvent(appended)).toBe(encodeHistoryEvent(appended));
  const buffered = makeEvent(EventType.EVENT_TYPE_TIMER_FIRED, { timerId: 't' }, Date.now());
  expect(encodeHistoryEvent(buffered)).not.toBe(encodeHistoryEvent(buffered));
});
