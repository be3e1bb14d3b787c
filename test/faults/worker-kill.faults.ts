/**
 * SIGKILL of the worker process at each stage: provision, staging, dimensions, fact, teardown.
 * The worker holding the stage's activity is killed the moment the server says it started it;
 * a replacement worker is started at once (as a supervisor would). The run must end with exactly
 * the reference tables, and leave no process and no warehouse directory behind.
 */
import type { SparkifyEtlResult } from '../../src/contract';
import { warehouseIdFor } from '../../src/workflows/input';
import {
  expectedReport,
  pendingActivities,
  recordFigure,
  reportAndTeardown,
  Scenario,
  useFaultEnvironment,
  waitFor,
} from './harness';

const env = useFaultEnvironment('data', { songs: 300, events: 15_000, days: 10, seed: 8 });

const STAGES: Array<{ stage: string; activities: string[] }> = [
  { stage: 'provision', activities: ['provisionWarehouse'] },
  { stage: 'staging', activities: ['copyStagingEvents'] },
  { stage: 'dimensions', activities: ['insertUsers', 'insertSongs', 'insertArtists', 'insertTime'] },
  { stage: 'fact', activities: ['insertSongplays'] },
  { stage: 'teardown', activities: ['teardownWarehouse'] },
];

// The scenarios run two at a time (each its own workers, task queue and SPARKIFY_HOME): most of
// each is waiting out the heartbeat timeout.
describe('SIGKILL of the worker', () => {
  for (const { stage, activities } of STAGES) {
    it.concurrent(`during ${stage}: a new worker finishes the run with exactly the reference tables`, async () => {
      const scenario = new Scenario(`worker-${stage}`, env.devserver.address);
      const workflowId = `faults-worker-${stage}-${Date.now()}`;
      const keep = stage !== 'teardown';
      try {
        const first = await scenario.worker('worker-1');
        const started = Date.now();
        await scenario.startRun(workflowId, env.dataset, keep ? ['--keep-warehouse'] : []);
        const held = await waitFor(`${stage} activity to start`, 120_000, async () => {
          const pending = await pendingActivities(env.temporal.client, workflowId);
          return pending.find((a) => activities.includes(a.type) && a.started && a.attempt === 1);
        }, 10);
        first.kill('SIGKILL');
        const faultAt = Date.now();
        await scenario.worker('worker-2');
        const result = (await env.temporal.client.workflow.getHandle(workflowId).result()) as SparkifyEtlResult;
        const endedAt = Date.now();

        expect(await first.exited).toBeNull(); // killed by the signal
        expect(result.accounted).toBe(true);
        expect(result.rows).toMatchObject({ read: env.expected.read.events + env.expected.read.songs, rejected: 0 });
        for (const [table, rows] of Object.entries(env.expected.tables)) expect({ table, rows: result.tables[table] }).toEqual({ table, rows });
        if (keep) {
          const report = await reportAndTeardown(scenario.home, result);
          expect(report).toEqual(expectedReport(env.expected));
        }
        recordFigure('worker-kill', {
          fault: `worker SIGKILL during ${stage} (${held.type})`,
          outcome: `completed exact; durationsMs ${JSON.stringify(result.durationsMs)}`,
          faultToEndMs: endedAt - faultAt,
          totalMs: endedAt - started,
        });
        await scenario.stopAll();
        expect(scenario.strayProcesses()).toEqual([]);
        expect(scenario.leftovers()).toEqual([]);
        expect(warehouseIdFor(workflowId)).toBeTruthy();
      } finally {
        await scenario.stopAll();
        scenario.removeHome();
      }
    }, 420_000);
  }
});
