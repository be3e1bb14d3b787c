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
