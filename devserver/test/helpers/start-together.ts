/**
 * Two set-up steps run at once (an environment and a workflow bundle, say). With Promise.all a
 * failure of one returns at once while the other goes on after the file has ended: a bundle still
 * building then loads modules through a torn-down jest sandbox and fails the next file of that
 * worker, and an environment or a browser started after the failure is never closed.
 */
export interface SetUpStep<T> {
  start: Promise<T>;
  /** Undoes a step that succeeded when the other one failed. */
  close?: (value: T) => Promise<unknown> | unknown;
}

/** Both values once both started; if one fails, waits for the other, closes it if it started, and rethrows. */
export async function startTogether<A, B>(a: SetUpStep<A>, b: SetUpStep<B>): Promise<[A, B]> {
  const [first, second] = await Promise.allSettled([a.start, b.start]);
  if (first.status === 'fulfilled' && second.status === 'fulfilled') return [first.value, second.value];
  if (first.status === 'fulfilled') await a.close?.(first.value);
  if (second.status === 'fulfilled') await b.close?.(second.value);
  throw first.status === 'rejected' ? first.reason : (second as PromiseRejectedResult).reason;
}
