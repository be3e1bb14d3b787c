import { randomUUID } from 'node:crypto';

/** Unique per run so parallel test files (and reruns against one real server) never share ids or queues. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
