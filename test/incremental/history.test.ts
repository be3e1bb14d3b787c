/**
 * Run history: the committed example histories (test/histories/*.json, written by
 * `sparkify history <id> --json`, see record.ts) replay against today's workflow code with the
 * SDK's replayer, so a change that makes sparkifyEtl nondeterministic fails here; the timeline
 * reads them; and `sparkify history` reads a live run from the devserver.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { renderTimeline, timelineOf } from '../../src/client/history-timeline';
import { sparkifyEtl } from '../../src/workflows';
import { sparkifyInProcess } from '../helpers/cli';
import { startTemporalForTests, type TemporalForTests } from '../helpers/temporal';

const HISTORIES = path.resolve(__dirname, '..', 'histories');
const names = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.json')).sort();
const load = (name: string) => historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES, name), 'utf8')));

let temporal: TemporalForTests;

beforeAll(async () => {
  temporal = await startTemporalForTests();
  process.env.TEMPORAL_ADDRESS = temporal.address;
}, 120_000);

afterAll(async () => {
  delete process.env.TEMPORAL_ADDRESS;
  await temporal?.stop();
}, 60_000);

test('every committed history replays against the workflow code', async () => {
  // Full loads recorded before a patch keep its old branch replaying: full-load-fact-after-dimensions.json before
  // FACT_BESIDE_DIMENSIONS, full-load-summarize-then-quality.json before SUMMARY_BESIDE_QUALITY,
  // full-load-all-checks-after-fact.json before DIMENSION_CHECKS_BESIDE_FACT,
  // full-load-remaining-checks-in-one.json before REMAINING_CHECKS_IN_SHARES,
  // full-load-dimensions-in-pairs.json before DIMENSIONS_ONE_AT_A_TIME,
  // full-load-summary-beside-checks.json before SUMMARY_FROM_STEPS.
  expect(names).toEqual([
    'full-load-all-checks-after-fact.json',
    'full-load-dimensions-in-pairs.json',
    'full-load-fact-after-dimensions.json',
    'full-load-remaining-checks-in-one.json',
    'full-load-summarize-then-quality.json',
    'full-load-summary-beside-checks.json',
    'full-load.json',
    'incremental-first.json',
    'incremental-nothing-new.json',
  ]);
  const histories = names.map((name) => ({ workflowId: name, history: load(name) }));
  const outcomes: Array<[string, string]> = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: temporal.bundle }, histories)) {
    outcomes.push([result.workflowId, result.error ? String(result.error) : 'ok']);
  }
  expect(outcomes).toEqual(names.map((name) => [name, 'ok']));
}, 60_000);

test('the timeline shows each activity, the retried one with its attempts and the failure before', () => {
  const lines = renderTimeline('example-full-load', 'r1', timelineOf(load('full-load.json')));
  expect(lines[0]).toMatch(/^sparkifyEtl example-full-load run r1: COMPLETED after \d+\.\ds \(started 2026-/);
  const activityTypes = lines.slice(1, -1).filter((l) => /^\s+\+\d/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
  expect(new Set(activityTypes)).toEqual(new Set([
    'provisionWarehouse', 'createTables', 'planStaging', 'copyStagingEvents', 'copyStagingSongs', 'verifyStaging',
    'insertUsers', 'insertSongs', 'insertArtists', 'insertTime', 'insertSongplays', 'checkQuality', 'teardownWarehouse',
  ]));
  const retried = lines.findIndex((l) => /copyStagingSongs\s+completed in \d+\.\ds, attempt 2$/.test(l));
  expect(retried).toBeGreaterThan(0);
  expect(lines[retried + 1].trim()).toBe('attempt 1 failed: Error: injected failure of the first attempt (recording example histories)');
  expect(lines.at(-1)).toMatch(/^\s+\+\d+\.\ds {2}workflow completed$/);
  const incremental = renderTimeline('i', 'r', timelineOf(load('incremental-first.json'))).join('\n');
  expect(incremental).toMatch(/acquireWarehouseLock\s+completed/);
  expect(incremental).toMatch(/mergeIncremental\s+completed/);
  expect(incremental).not.toMatch(/teardownWarehouse/);
});

test('sparkify history reads a live run: JSON that parses back to the same events, and the timeline of its failure', async () => {
  const taskQueue = temporal.taskQueue('history');
  const worker = await temporal.worker(taskQueue);
  const workflowId = 'history-invalid-input';
  // A run that fails at once (bad input): no warehouse needed.
  await worker.runUntil(
    temporal.env.client.workflow
      .execute(sparkifyEtl, { taskQueue, workflowId, args: [{ source: { type: 'local', path: '/nowhere' }, concurrency: 0 }] })
      .catch(() => undefined),
  );
  const fetched = await temporal.env.client.workflow.getHandle(workflowId).fetchHistory();
  const json = await sparkifyInProcess('history', workflowId, '--json');
  expect(json.code).toBe(0);
  const parsed = historyFromJSON(JSON.parse(json.stdout));
  expect(parsed.events!.map((e) => [String(e.eventId), e.eventType])).toEqual(fetched.events!.map((e) => [String(e.eventId), e.eventType]));
  const text = await sparkifyInProcess('history', workflowId);
  expect(text.stdout).toMatch(/: FAILED after/);
  expect(text.stdout).toContain('workflow failed: InvalidInput: input.concurrency must be an integer from 1 to 64, got 0');
  const missing = await sparkifyInProcess('history', 'no-such-run');
  expect([missing.code, missing.stderr]).toEqual([2, expect.stringContaining('no workflow no-such-run in namespace default')]);
}, 60_000);
