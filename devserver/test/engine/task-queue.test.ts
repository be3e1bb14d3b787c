/** Matching rules of TaskQueue: FIFO, stale tasks dropped, polls that went away skipped without losing tasks. */
import { PendingPoll, TaskQueue } from '../../src/engine/task-queue';

interface FakeTask {
  id: string;
  stale: boolean;
  isStale(): boolean;
}

const task = (id: string, stale = false): FakeTask => ({ id, stale, isStale() { return this.stale; } });

function poll(received: string[], options: { goneBeforeDelivery?: boolean } = {}): PendingPoll<FakeTask> {
  const pending: PendingPoll<FakeTask> = {
    identity: 'worker',
    done: false,
    deliver(offered) {
      if (options.goneBeforeDelivery) {
        pending.done = true;
        return false;
      }
      if (offered.isStale()) return false;
      received.push(offered.id);
      pending.done = true;
      return true;
    },
  };
  return pending;
}

test('backlogged tasks go to polls in order, stale ones are skipped', () => {
  const queue = new TaskQueue<FakeTask>('q');
  queue.offer(task('a'));
  const b = task('b');
  queue.offer(b);
  queue.offer(task('c'));
  b.stale = true;
  const received: string[] = [];
  expect(queue.poll(poll(received))).toBe(true);
  expect(queue.poll(poll(received))).toBe(true);
  expect(received).toEqual(['a', 'c']);
  expect(queue.poll(poll(received))).toBe(false);
});

test('a task offered while polls wait goes to the first live poll; a poll that went away does not lose it', () => {
  const queue = new TaskQueue<FakeTask>('q');
  const gone: string[] = [];
  const live: string[] = [];
  queue.poll(poll(gone, { goneBeforeDelivery: true }));
  queue.poll(poll(live));
  queue.offer(task('x'));
  expect(gone).toEqual([]);
  expect(live).toEqual(['x']);
  expect(queue.backlog).toBe(0);
});

test('a stale task offered to a waiting poll is dropped and the poll keeps waiting', () => {
  const queue = new TaskQueue<FakeTask>('q');
  const received: string[] = [];
  queue.poll(poll(received));
  queue.offer(task('old', true));
  queue.offer(task('new'));
  expect(received).toEqual(['new']);
});
