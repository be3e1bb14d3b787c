/**
 * startTogether: a failed set-up step leaves nothing of the other step running past the file
 * (a bundle still building after the jest sandbox is torn down failed the next file of its worker).
 */
import { startTogether } from './helpers/start-together';
import { deferred } from './helpers/wait';

test('when one step fails, it waits for the other, closes what started and rethrows the failure', async () => {
  const slow = deferred<string>();
  const closed: string[] = [];
  const events: string[] = [];
  const together = startTogether(
    { start: Promise.reject(new Error('environment did not start')), close: () => closed.push('environment') },
    { start: slow.promise, close: (value) => closed.push(value) },
  ).catch((error: Error) => events.push(`rejected: ${error.message}`));
  // The failure is not reported while the other step still runs.
  await new Promise((resolve) => setImmediate(resolve));
  expect(events).toEqual([]);
  slow.resolve('bundle');
  await together;
  expect(events).toEqual(['rejected: environment did not start']);
  expect(closed).toEqual(['bundle']);
});

test('when both start, both values come back and nothing is closed', async () => {
  const closed: string[] = [];
  const close = (value: string) => closed.push(value);
  expect(await startTogether({ start: Promise.resolve('a'), close }, { start: Promise.resolve('b'), close })).toEqual(['a', 'b']);
  expect(closed).toEqual([]);
});

test('when both fail, the first failure is rethrown', async () => {
  await expect(startTogether({ start: Promise.reject(new Error('first')) }, { start: Promise.reject(new Error('second')) })).rejects.toThrow(
    'first',
  );
});
