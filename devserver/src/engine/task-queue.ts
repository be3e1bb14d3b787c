/**
 * Matching: one FIFO of tasks and one FIFO of waiting long polls per task queue. A task offered
 * while a poller waits goes straight to that poller; a poll that finds a task takes it at once.
 * Tasks are offers, not commitments: `tryDeliver` may find a task stale (its workflow moved on)
 * and drop it, so the queue never needs to be searched to remove tasks.
 */

export interface PendingPoll<Task> {
  /** Tries to hand `task` to this poll; returns false if the task turned out stale. */
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
      if (task.isStale()) return;
      if (poll.deliver(task)) return;
      // deliver() refused the task: it is stale; the poll stays waiting.
      this.polls.push(poll);
      return;
    }
    this.tasks.push(task);
  }

  /** Registers a poll; returns true if it was satisfied at once from the backlog. */
  poll(poll: PendingPoll<Task>): boolean {
    this.pollerLastSeen.set(poll.identity, Date.now());
    for (;;) {
      const task = this.tasks.shift();
      if (!task) break;
      if (task.isStale()) continue;
      if (poll.deliver(task)) return true;
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
