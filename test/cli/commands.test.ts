/**
 * The command line's argument handling, in-process through runCli: --help and --version for the
 * program and every command, and each usage mistake answered with its message and exit code 2
 * before anything is started or connected.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sparkifyInProcess } from '../helpers/cli';

const VERSION = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['generate', 'up', 'worker', 'run', 'status', 'cluster', 'gc', 'report'];
const HINT = '(add --help for usage and examples)';

const sparkify = sparkifyInProcess;

describe('sparkify --help and --version', () => {
  it.each(COMMANDS.flatMap((name) => [[name, '--help'], [name, '-h']]))('%s %s prints usage, options and examples', async (name, flag) => {
    const result = await sparkify(name, flag);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(new RegExp(`^Usage: sparkify ${name} `));
    expect(result.stdout).toContain('-h, --help');
    expect(result.stdout).toMatch(/\nExamples:\n {2}\$ npm (start|run sparkify -- )/);
  });

  it('lists every command in the program help, and `help <command>` shows that command', async () => {
    const result = await sparkify('--help');
    expect(result.code).toBe(0);
    for (const name of COMMANDS) expect(result.stdout).toMatch(new RegExp(`\n  ${name} `));
    expect((await sparkify('help', 'status')).stdout).toMatch(/^Usage: sparkify status \[options\] <workflowId>/);
  });

  it.each([[['--version']], [['-V']], [['up', '--version']], [['generate', '-V']]])('%j prints the version', async (argv) => {
    expect(await sparkify(...argv)).toEqual({ code: 0, stdout: VERSION, stderr: '' });
  });
});

describe('sparkify usage errors (exit code 2, nothing on stdout)', () => {
  const missingDir = path.join(os.tmpdir(), 'sparkify-no-such-dir');
  it.each([
    [['upp'], "error: unknown command 'upp'\n(Did you mean up?)"],
    [['up', '--sorce', 'x'], "error: unknown option '--sorce'\n(Did you mean --source?)"],
    [['up', '--provider', 'foo'], "error: option '--provider <name>' argument 'foo' is invalid. Allowed choices are local, postgres, redshift."],
    [['up', '--provider=foo'], "error: option '--provider <name>' argument 'foo' is invalid. Allowed choices are local, postgres, redshift."],
    [['up', '--concurrency', 'x'], "error: option '--concurrency <n>' argument 'x' is invalid. Expected an integer from 1 to 64."],
    [['up', '--partitions', '2000'], "error: option '--partitions <n>' argument '2000' is invalid. Expected an integer from 1 to 1024."],
    [['up', '--source', missingDir], `error: --source ${missingDir}: no such directory`],
    [['run', '--source', 'd', '--max-errors', '-1'], "error: option '--max-errors <n>' argument '-1' is invalid. Expected an integer 0 or more."],
    [['run', '--source=d', '--max-errors=-1'], "error: option '--max-errors <n>' argument '-1' is invalid. Expected an integer 0 or more."],
    [['run'], 'error: --source DIR|s3://bucket/prefix is required (or --config with an [S3] section)'],
    [['run', '--source'], "error: option '--source <dir|s3-url>' argument missing"],
    [['status'], "error: missing required argument 'workflowId'"],
    [['status', 'a', 'b'], "error: too many arguments for 'status'. Expected 1 argument but got 2."],
    [['cluster', 'start'], "error: command-argument value 'start' is invalid for argument 'action'. Allowed choices are create, status, delete."],
    [['cluster'], "error: missing required argument 'action'"],
    [['worker', '--max-activities', '0'], "error: option '--max-activities <n>' argument '0' is invalid. Expected an integer from 1 to 256."],
    [['generate', '--songs', '3'], "error: required option '--out <dir>' not specified"],
    [['generate', '--out', missingDir, '--songs', '1.5'], "error: option '--songs <n>' argument '1.5' is invalid. Expected an integer."],
    [['generate', '--out', missingDir, '--match-rate', 'most'], "error: option '--match-rate <share>' argument 'most' is invalid. Expected a number."],
  ])('%j', async (argv, message) => {
    expect(await sparkify(...argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n${HINT}` });
  });

  it('no command: the program help on stderr', async () => {
    const result = await sparkify();
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^Usage: sparkify <command> \[options\]\n/);
  });
});
