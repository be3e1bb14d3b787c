/**
 * Pathological input through the whole system (devserver, worker and CLI as processes): a 50 MB
 * single-line event is one rejected row, a symlink loop fails the run at once naming the link.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkflowFailedError } from '@temporalio/client';
import type { SparkifyEtlResult } from '../../src/contract';
import { expectedReport, recordFigure, reportAndTeardown, Scenario, useFaultEnvironment } from './harness';

const env = useFaultEnvironment('bad', { songs: 100, events: 3000, days: 3, seed: 10 });

it('a 50 MB single-line event is one too-long rejected row; with --max-errors 1 the run completes exactly', async () => {
  const huge = path.join(env.dataset, 'log_data', 'zz-huge-events.json');
  const line = `{"artist":null,"auth":"Logged In","location":"${'x'.repeat(50 * 1024 * 1024)}"}`;
  fs.writeFileSync(huge, line);
  const scenario = new Scenario('huge-line', env.devserver.address);
  const workflowId = `faults-huge-${Date.now()}`;
  try {
    await scenario.worker('worker');
    const started = Date.now();
    await scenario.startRun(workflowId, env.dataset, ['--keep-warehouse', '--max-errors', '1']);
    const result = (await env.temporal.client.workflow.getHandle(workflowId).result()) as SparkifyEtlResult;
    const endedAt = Date.now();
    expect(result.rows.rejectedByKind).toEqual({ 'too-long': 1 });
    const report = await reportAndTeardown(scenario.home, result);
    const want = expectedReport(env.expected);
    want.tables.load_errors = 1;
    expect(report).toEqual(want);
    recordFigure('bad-input', { fault: '50 MB single-line event', outcome: 'completed, the line rejected as too-long', faultToEndMs: endedAt - started, totalMs: endedAt - started });
    await scenario.stopAll();
    expect(scenario.strayProcesses()).toEqual([]);
    expect(scenario.leftovers()).toEqual([]);
  } finally {
    fs.rmSync(huge, { force: true });
    await scenario.stopAll();
    scenario.removeHome();
  }
}, 240_000);

it('a symlink loop in the source fails the run at once, naming the link, and tears the warehouse down', async () => {
  const link = path.join(env.dataset, 'song_data', 'loop');
  fs.symlinkSync('..', link);
  const scenario = new Scenario('loop', env.devserver.address);
  const workflowId = `faults-loop-${Date.now()}`;
  try {
    await scenario.worker('worker');
    const started = Date.now();
    await scenario.startRun(workflowId, env.dataset);
    const err = await env.temporal.client.workflow.getHandle(workflowId).result().then(() => undefined, (e: unknown) => e);
    const endedAt = Date.now();
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    const message = String((cause?.cause as Error | undefined)?.message ?? cause?.message);
    expect(message).toBe(`source symlink loop: ${link} points to ${fs.realpathSync(env.dataset)}, a directory above it`);
    recordFigure('bad-input', { fault: 'symlink loop in the source', outcome: `failed at once: ${message}`, faultToEndMs: endedAt - started, totalMs: endedAt - started });
    await scenario.stopAll();
    expect(scenario.strayProcesses()).toEqual([]);
    expect(scenario.leftovers()).toEqual([]);
  } finally {
    fs.rmSync(link, { force: true });
    await scenario.stopAll();
    scenario.removeHome();
  }
}, 120_000);
