/**
 * `run` and `status` against a running Temporal (our devserver) with a worker polling, called
 * in-process through runCli, as main.ts calls it: the summary of a completed run, the failure of a failed one.
 */
import * as fs from 'node:fs';
import { Context } from '@temporalio/activity';
import type { CopyStagingInput, CopyStagingResult } from '../../src/contract';
import { sparkifyInProcess } from '../helpers/cli';
import * as sparkifyActivities from '../../src/activities';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';
import { fixturePath, readExpected, useIsolatedSparkifyHome } from '../workflows/support';
import { sparkifyEtl } from '../../src/workflows';
import { within } from '../../devserver/test/helpers/wait';

let temporal: TemporalForTests;
let home: string;

beforeAll(async () => {
  home = useIsolatedSparkifyHome();
  temporal = await startTemporalForTests();
  process.env.TEMPORAL_ADDRESS = temporal.address;
}, 120_000);

afterAll(async () => {
  await temporal?.stop();
  fs.rmSync(home, { recursive: true, force: true });
}, 60_000);

const call = (argv: string[]) => sparkifyInProcess(...argv);

describe('sparkify run / status', () => {
  it('run --wait --json prints the result; status shows the same result afterwards', async () => {
    const taskQueue = temporal.taskQueue('cli-run');
    const worker = await temporal.worker(taskQueue);
    const workflowId = 'cli-run-small';
    const expected = readExpected('sparkify-small');
    const started = await worker.runUntil(
      call(['run', '--source', fixturePath('sparkify-small'), '--task-queue', taskQueue, '--workflow-id', workflowId, '--wait', '--json']),
    );
    expect(started.code).toBe(0);
    const printed = JSON.parse(started.stdout);
    expect(printed.workflowId).toBe(workflowId);
    expect(printed.tables).toEqual(expect.objectContaining(expected.tables));

    const shown = await call(['status', workflowId, '--json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({ workflowId, status: 'COMPLETED', result: expect.objectContaining({ tables: printed.tables }) });
  }, 120_000);

  it('status of a failed run exits 1 with the failure in one line', async () => {
    const taskQueue = temporal.taskQueue('cli-fail');
    const worker = await temporal.worker(taskQueue);
    const workflowId = 'cli-run-corrupt';
    const failed = await worker.runUntil(
      call(['run', '--source', fixturePath('sparkify-corrupt'), '--task-queue', taskQueue, '--workflow-id', workflowId, '--wait']),
    );
    expect(failed.code).toBe(1);
    const [startedLine, failureLine, ...rest] = failed.stderr.split('\n');
    expect(startedLine).toMatch(new RegExp(`^started sparkifyEtl ${workflowId} on `));
    expect(failureLine).toMatch(/^sparkify run: workflow failed: TooManyRejectedRows: \d+ rows rejected, more than maxErrors 0/);
    expect(rest).toEqual([]);

    const shown = await call(['status', workflowId]);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toMatch(new RegExp(`^${workflowId} FAILED: workflow failed: TooManyRejectedRows: `));
  }, 120_000);

  it('status shows the progress of a running workflow, then its cancellation', async () => {
    let copyLingering!: () => void;
    const lingering = new Promise<void>((resolve) => (copyLingering = resolve));
    // Songs staging that, after its real work, holds the stage open until cancelled.
    const copySongsThatLingers = async (input: CopyStagingInput): Promise<CopyStagingResult> => {
      const result = await sparkifyActivities.copyStagingSongs(input);
      const ctx = Context.current();
      copyLingering();
      for (let waited = 0; waited < 30_000; waited += 100) {
        ctx.heartbeat(result);
        await ctx.sleep(100);
      }
      throw new Error('the lingering COPY was not cancelled within 30 s');
    };
    const taskQueue = temporal.taskQueue('cli-status');
    const worker = await temporal.worker(taskQueue, { activities: { copyStagingSongs: copySongsThatLingers } });
    const workflowId = 'cli-status-running';
    const [running, cancelled] = await worker.runUntil(async () => {
      const handle = await temporal.env.client.workflow.start(sparkifyEtl, {
        taskQueue,
        workflowId,
        args: [{ source: { type: 'local', path: fixturePath('sparkify-small') }, concurrency: 1, partitions: 1 }],
      });
      await within('the songs COPY to start', 90_000, lingering);
      const whileRunning = await call(['status', workflowId, '--json']);
      await handle.cancel();
      await handle.result().catch(() => undefined);
      return [whileRunning, await call(['status', workflowId])];
    });
    expect(running.code).toBe(0);
    expect(JSON.parse(running.stdout)).toEqual({
      workflowId,
      status: 'RUNNING',
      progress: expect.objectContaining({ stage: 'staging', files: expect.objectContaining({ songs: { done: 0, total: 300 } }) }),
    });
    expect(cancelled).toEqual({ code: 1, stdout: `${workflowId} CANCELLED: workflow cancelled`, stderr: '' });
  }, 150_000);

  it('status of an unknown workflow says so', async () => {
    expect(await call(['status', 'no-such-run'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: no workflow no-such-run in namespace default\n(add --help for usage and examples)',
    });
  });
});
