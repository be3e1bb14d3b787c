/**
 * Starts `load` for up to `depth` upcoming items while the caller works on the current one, in
 * order. Used to overlap many small file reads with the COPY.
 */
export async function* prefetch<T, R>(
  items: AsyncIterable<T>,
  depth: number,
  load: (item: T) => Promise<R>,
): AsyncIterable<{ item: T; value: Promise<R> }> {
  const queue: { item: T; value: Promise<R> }[] = [];
  const iterator = items[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    while (true) {
      while (!exhausted && queue.length < depth) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const value = load(next.value);
        // Its rejection is reported when the caller awaits it; until then it must not count as unhandled.
        value.catch(() => undefined);
        queue.push({ item: next.value, value });
      }
      const head = queue.shift();
      if (!head) return;
      yield head;
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}

/** How many items a batch takes at most, and their total weight (bytes) at most. */
export interface BatchLimits {
  items: number;
  weight: number;
}

/**
 * Like prefetch, for loaders that take a batch: groups upcoming items into batches within
 * `limits`, keeps `depth` batches loading, and yields each item with its own result (an Error
 * entry becomes that item's rejection, so the items before it are handled first).
 */
export async function* prefetchBatches<T, R>(
  items: AsyncIterable<T>,
  limits: BatchLimits,
  weightOf: (item: T) => number,
  depth: number,
  load: (batch: T[]) => Promise<(R | Error)[]>,
): AsyncIterable<{ item: T; value: Promise<R> }> {
  const queue: { batch: T[]; results: Promise<(R | Error)[]> }[] = [];
  const iterator = items[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    while (true) {
      while (!exhausted && queue.length < depth) {
        const batch: T[] = [];
        let weight = 0;
        while (batch.length < limits.items && weight < limits.weight) {
          const next = await iterator.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          batch.push(next.value);
          weight += weightOf(next.value);
        }
        if (batch.length === 0) break;
        const results = load(batch);
        results.catch(() => undefined);
        queue.push({ batch, results });
      }
      const head = queue.shift();
      if (!head) return;
      for (let i = 0; i < head.batch.length; i++) {
        const value = head.results.then((results) => {
          const result = results[i];
          if (result instanceof Error) throw result;
          return result;
        });
        value.catch(() => undefined);
        yield { item: head.batch[i], value };
      }
    }
  } finally {
    if (!exhausted) await iterator.return?.();
  }
}
