/**
 * Peak memory of a process tree, sampled from /proc (Linux): the largest peak RSS (VmHWM) of its node
 * processes (the `up` process runs the worker, devserver and client in one), and the largest total
 * PSS of its postgres processes (PSS shares shared_buffers out among the backends instead of counting
 * them once per process).
 */
import * as fs from 'node:fs';

export interface TreeMemory {
  nodePeakMb: number;
  postgresPeakMb: number;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** Parent pid of every process, from /proc/<pid>/stat (the field after the parenthesised name). */
function parentOf(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    if (!stat) continue;
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    parents.set(Number(entry), Number(fields[1]));
  }
  return parents;
}

export function descendants(root: number, parents: Map<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    found.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

/** The value in kB of `key:` in a /proc status-like text, 0 when absent. */
export function procKb(text: string | undefined, key: string): number {
  const match = text?.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
  return match ? Number(match[1]) : 0;
}

/** Samples the tree under `root` every `intervalMs` until stop() is called; returns the peaks. */
export function watchTreeMemory(root: number, intervalMs = 200): { stop: () => TreeMemory } {
  const peaks: TreeMemory = { nodePeakMb: 0, postgresPeakMb: 0 };
  const sample = () => {
    let postgresKb = 0;
    for (const pid of descendants(root, parentOf())) {
      const comm = read(`/proc/${pid}/comm`)?.trim();
      if (comm === 'postgres') postgresKb += procKb(read(`/proc/${pid}/smaps_rollup`), 'Pss');
      else if (comm === 'node' || comm?.startsWith('node')) {
        peaks.nodePeakMb = Math.max(peaks.nodePeakMb, procKb(read(`/proc/${pid}/status`), 'VmHWM') / 1024);
      }
    }
    peaks.postgresPeakMb = Math.max(peaks.postgresPeakMb, postgresKb / 1024);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { ...peaks };
    },
  };
}
