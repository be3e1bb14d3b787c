/**
 * Matching: one FIFO of tasks and one FIFO of waiting long polls per task queue. A task offered
 * while a poller waits goes straight to that poller; a poll that finds a task takes it at once.
 * Tasks are offers, not commitments: `deliver` may find a task stale (its workflow moved on)
 * and drop it, so the queue never needs to be searched to remove tasks.
 */

export interface PendingPoll<Task> {
  /** Tries to hand `task` to this poll; false if the task is stale, or if the poll went away (it then sets `done`). */
  deliver(task: Task): boolean;
  identity: string;
  done: boolean;
}

/** FIFO with O(1) amortised push and shift. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts an item back at the front. */
  unshift(item: T): void {
    if (this.head > 0) {
      this.head--;
      this.items[this.head] = item;
    } else {
      this.items.unshift(item);
    }
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined as unknown as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  remove(predicate: (item: T) => boolean): void {
    this.items = this.items.slice(this.head).filter((item) => !predicate(item));
    this.head = 0;
  }

  toArray(): T[] {
    return this.items.slice(this.head);
  }
}

export class TaskQueue<Task extends { isStale(): boolean }> {
  private readonly tasks = new Fifo<Task>();
  private readonly polls = new Fifo<PendingPoll<Task>>();
  /** identity → last poll time (epoch ms), for DescribeTaskQueue. */
  readonly pollerLastSeen = new Map<string, number>();

  constructor(readonly name: string) {}

  get backlog(): number {
    return this.tasks.size;
  }

  offer(task: Task): void {
    for (;;) {
      const poll = this.polls.shift();
      if (!poll) break;
      if (poll.done) continue;
      if (poll.deliver(task)) return;
      // A poll that went away meanwhile marks itself done: try the next one with the same task.
      if (poll.done) continue;
      // Otherwise the task was stale: drop it, the poll keeps its place.
      this.polls.unshift(poll);
      return;
    }
    if (!task.isStale()) this.tasks.push(task);
  }

  /** Registers a poll; returns true if it was satisfied at once from the backlog. */
  poll(poll: PendingPoll<Task>): boolean {
    this.pollerLastSeen.set(poll.identity, Date.now());
    for (;;) {
      const task = this.tasks.shift();
      if (!task) break;
      if (task.isStale()) continue;
      if (poll.deliver(task)) return true;
      if (poll.done) {
        this.tasks.unshift(task);
        return true;
      }
    }
    this.polls.push(poll);
    return false;
  }

  /** Moves every live task to `target` (sticky queue fallback). */
  drainTo(target: TaskQueue<Task>): void {
    for (let task = this.tasks.shift(); task; task = this.tasks.shift()) {
      if (!task.isStale()) target.offer(task);
    }
  }

  hasWaitingPoll(): boolean {
    return this.polls.toArray().some((poll) => !poll.done);
  }

  removeFinishedPolls(): void {
    this.polls.remove((poll) => poll.done);
  }
}
