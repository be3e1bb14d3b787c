/**
 * Fan-out helpers for workflow code. On the first failure the siblings are cancelled and awaited,
 * so nothing the workflow started is still running when the failure reaches teardown.
 */
import { CancellationScope } from '@temporalio/workflow';

/**
 * Runs `task` over `items` with at most `limit` in flight; results keep the items' order.
 * Throws the first failure (not the cancellations it caused) once every started task has settled.
 */
export function mapBounded<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  return CancellationScope.cancellable(async () => {
    const scope = CancellationScope.current();
    const results: R[] = new Array(items.length);
    let next = 0;
    let failed = false;
    let firstError: unknown;
    const lane = async (): Promise<void> => {
      while (!failed && next < items.length) {
        const index = next++;
        try {
          results[index] = await task(items[index]);
        } catch (err) {
          if (!failed) {
            failed = true;
            firstError = err;
            scope.cancel();
          }
          return;
        }
      }
    };
    const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane);
    await Promise.all(lanes);
    if (failed) throw firstError;
    return results;
  });
}

/** Runs independent branches in parallel with the same first-failure semantics as mapBounded. */
export function allOrCancel<R>(branches: ReadonlyArray<() => Promise<R>>): Promise<R[]> {
  return mapBounded(branches, branches.length, (branch) => branch());
}
