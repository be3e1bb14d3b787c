/**
 * Waiting on and abandoning a `COPY … FROM STDIN` stream (pg-copy-streams), for the staging
 * batches and the plan's listing. pg reports a COPY's failure by emitting 'error' on the stream
 * (the server's ErrorResponse, or the connection lost); the stream is not destroyed by it.
 */
import { finished } from 'node:stream/promises';
import type { CopyStreamQuery } from 'pg-copy-streams';

/** Resolves on 'drain'; rejects when the stream fails or closes first (`failure`: its error, if heard already). */
export function drained(copy: CopyStreamQuery, failure: () => Error | undefined): Promise<void> {
  const already = failure();
  if (already) return Promise.reject(already);
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      copy.off('drain', onDrain);
      copy.off('error', onError);
      copy.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(failure() ?? new Error('COPY stream closed before it drained (connection lost)'));
    copy.on('drain', onDrain);
    copy.on('error', onError);
    copy.on('close', onClose);
  });
}

/**
 * Ends a COPY that will not be committed; the caller then rolls the transaction back. A live COPY
 * is destroyed, which sends CopyFail, and is over when the server answers. A COPY that already
 * failed gets no answer: the server has ended it, or the connection is gone, maybe before the
 * server even accepted the COPY. Destroying it would wait forever for that answer.
 */
export async function abandonCopy(copy: CopyStreamQuery, failed: boolean, reason: string): Promise<void> {
  if (failed) return;
  copy.destroy(new Error(reason));
  await finished(copy).catch(() => undefined);
}
