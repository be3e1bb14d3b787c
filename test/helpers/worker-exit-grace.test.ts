/**
 * The worker exit grace (jest.config.js globalSetup): a worker that needs longer than jest's 500 ms
 * to exit is waited for, and one that a handle keeps alive is still killed and reported.
 */
import * as path from 'node:path';
import { Worker } from 'jest-worker';
import giveWorkersTimeToExit, { WORKER_EXIT_GRACE_MS } from './worker-exit-grace';

type ExitAfterWorker = Worker & { holdOpen(ms: number): Promise<number> };

function startWorker(): ExitAfterWorker {
  return new Worker(path.join(__dirname, 'programs', 'exit-after.js'), {
    numWorkers: 1,
    exposedMethods: ['holdOpen'],
    forkOptions: { stdio: 'pipe' },
  }) as ExitAfterWorker;
}

beforeAll(() => giveWorkersTimeToExit());

test('a worker that exits 1.5 s after the end message is waited for, not force exited', async () => {
  const worker = startWorker();
  await worker.holdOpen(1_500);
  const started = Date.now();
  expect(await worker.end()).toEqual({ forceExited: false });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
});

test('a worker that a handle keeps alive is force exited once the grace is over', async () => {
  const worker = startWorker();
  await worker.holdOpen(10 * WORKER_EXIT_GRACE_MS);
  const started = Date.now();
  expect(await worker.end()).toEqual({ forceExited: true });
  expect(Date.now() - started).toBeGreaterThanOrEqual(WORKER_EXIT_GRACE_MS - 100);
}, WORKER_EXIT_GRACE_MS + 20_000);
