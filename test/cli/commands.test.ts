/**
 * The commands' argument handling, in-process: --help, and wrong calls answered with one line
 * and exit code 2 before anything is started or connected.
 */
import * as up from '../../src/cli/commands/up';
import * as run from '../../src/cli/commands/run';
import * as status from '../../src/cli/commands/status';
import * as worker from '../../src/cli/commands/worker';

const commands = { up, run, status, worker };

async function call(name: keyof typeof commands, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = jest.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  try {
    const code = await commands[name].run(argv);
    return { code, stdout: out.join('\n'), stderr: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('sparkify commands', () => {
  it.each(Object.keys(commands) as Array<keyof typeof commands>)('%s --help prints its usage and options', async (name) => {
    const result = await call(name, ['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: /);
    expect(result.stdout).toContain('--help');
    expect(result.stderr).toBe('');
  });

  it.each([
    ['up', ['--concurrency', 'x'], "sparkify up: --concurrency must be an integer from 1 to 64, got 'x'"],
    ['up', ['--source', '/nonexistent/sparkify'], 'sparkify up: --source /nonexistent/sparkify: no such directory'],
    ['up', ['--provider', 'oracle', '--source', '.'], 'sparkify up: input.warehouse.provider must be one of "local", "postgres", got "oracle"'],
    ['run', [], 'sparkify run: --source DIR is required (see --help)'],
    ['run', ['--source', 'x', '--max-errors', '-1'], "sparkify run: Option '--max-errors' argument is ambiguous"],
    ['status', [], 'sparkify status: missing argument (see --help)'],
    ['status', ['a', 'b'], "sparkify status: unexpected argument 'b'"],
    ['worker', ['--max-activities', '0'], "sparkify worker: --max-activities must be an integer from 1 to 256, got '0'"],
  ] as const)('%s %j fails with exit code 2: %s', async (name, argv, message) => {
    const result = await call(name, [...argv]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: message });
  });
});
