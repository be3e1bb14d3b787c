/** Retention: closed runs past their namespace's retention leave the engine; the latest run of an id stays. */
import { createEngine } from '../../src/engine/create';
import { startRun, terminateRun } from '../../src/engine/lifecycle';

test('closed runs older than the retention period are removed, open and latest runs are kept', () => {
  const engine = createEngine({ longPollTimeoutMs: 1000, log: () => undefined });
  engine.registerNamespace('default', { retentionDays: 1 });
  const params = { namespace: 'default', workflowType: 'T', taskQueue: 'q', executionTimeoutMs: 0, runTimeoutMs: 0, taskTimeoutMs: 0, identity: '', requestId: '' };
  const first = startRun(engine, { ...params, workflowId: 'a', requestId: 'r1' });
  terminateRun(engine, first, 'done', undefined, '');
  const second = startRun(engine, { ...params, workflowId: 'a', requestId: 'r2' });
  terminateRun(engine, second, 'done', undefined, '');
  const open = startRun(engine, { ...params, workflowId: 'b', requestId: 'r3' });
  const dayLater = Date.now() + 86_400_000 + 1000;
  expect(engine.removeExpiredRuns(Date.now())).toBe(0);
  expect(engine.removeExpiredRuns(dayLater)).toBe(1);
  expect(engine.runs.has(first.key)).toBe(false);
  expect(engine.latestRun('default', 'a')).toBe(second);
  expect(engine.runs.has(open.key)).toBe(true);
  engine.stop();
});
