/**
 * Faults under the workers: the warehouse's PostgreSQL SIGKILLed mid-staging and mid-transform
 * (crash recovery empties the UNLOGGED staging tables), the connection cut mid-COPY by a TCP
 * proxy, and the devserver (with --db-filename) SIGKILLed mid-run and restarted on its state file.
 * Each run must end with exactly the reference tables, and leave no process or directory behind.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SparkifyEtlResult } from '../../src/contract';
import { generateDataset } from '../../src/generator';
import { warehouseIdFor } from '../../src/workflows/input';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { TcpProxy } from '../helpers/tcp-proxy';
import { computeExpected, type Expected } from '../reference/compute';
import {
  Devserver,
  expectedReport,
  freePort,
  isAlive,
  pendingActivities,
  postmasterPid,
  recordFigure,
  reportAndTeardown,
  Scenario,
  sleep,
  temporalClient,
  waitFor,
} from './harness';

let dataset: string;
let expected: Expected;

beforeAll(async () => {
  dataset = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-faults-data-'));
  await generateDataset({ out: dataset, songs: 300, events: 15_000, days: 10, seed: 9 });
  expected = computeExpected(dataset);
}, 120_000);

afterAll(() => {
  fs.rmSync(dataset, { recursive: true, force: true });
});

async function expectExact(scenario: Scenario, result: SparkifyEtlResult): Promise<void> {
  expect(result.accounted).toBe(true);
  for (const [table, rows] of Object.entries(expected.tables)) expect({ table, rows: result.tables[table] }).toEqual({ table, rows });
  expect(await reportAndTeardown(scenario.home, result)).toEqual(expectedReport(expected));
}

async function expectNothingLeft(scenario: Scenario): Promise<void> {
  await scenario.stopAll();
  expect(scenario.strayProcesses()).toEqual([]);
  expect(scenario.leftovers()).toEqual([]);
}

describe('SIGKILL of the warehouse PostgreSQL (local provider)', () => {
  let devserver: Devserver;
  beforeAll(async () => {
    devserver = new Devserver(await freePort(), undefined);
    await devserver.start();
  }, 60_000);
  afterAll(() => devserver?.proc.stop());

  const cases = [
    { when: 'mid-staging', activities: ['copyStagingEvents'] },
    { when: 'mid-transform', activities: ['insertSongplays', 'insertTime', 'insertUsers'] },
  ];
  for (const { when, activities } of cases) {
    it(`${when}: staging is loaded again and the tables are exact; the restart is reported`, async () => {
      const scenario = new Scenario(`pg-${when}`, devserver.address);
      const temporal = await temporalClient(devserver.address);
      const workflowId = `faults-pg-${when}-${Date.now()}`;
      try {
        await scenario.worker('worker');
        const started = Date.now();
        await scenario.startRun(workflowId, dataset, ['--keep-warehouse']);
        await waitFor(`${when} activity to start`, 120_000, async () => {
          const pending = await pendingActivities(temporal.client, workflowId);
          return pending.find((a) => activities.includes(a.type) && a.started) ? true : undefined;
        }, 10);
        const pid = postmasterPid(scenario.home, warehouseIdFor(workflowId))!;
        process.kill(pid, 'SIGKILL');
        const faultAt = Date.now();
        await waitFor('the postmaster to die', 10_000, () => (isAlive(pid) ? undefined : true));
        const result = (await temporal.client.workflow.getHandle(workflowId).result()) as SparkifyEtlResult;
        const endedAt = Date.now();
        expect(result.recovery).toEqual({ stagingRounds: 2, warehouseRestarts: 1 });
        await expectExact(scenario, result);
        recordFigure('warehouse-faults', {
          fault: `PostgreSQL SIGKILL ${when}`,
          outcome: `completed exact, recovery ${JSON.stringify(result.recovery)}; durationsMs ${JSON.stringify(result.durationsMs)}`,
          faultToEndMs: endedAt - faultAt,
          totalMs: endedAt - started,
        });
        await expectNothingLeft(scenario);
      } finally {
        await temporal.close();
        await scenario.stopAll();
        scenario.removeHome();
      }
    }, 240_000);
  }
});

describe('a connection cut mid-COPY (postgres provider behind a TCP proxy)', () => {
  let pg: TestPostgres;
  let proxy: TcpProxy;
  let devserver: Devserver;
  beforeAll(async () => {
    pg = await startTestPostgres('faults_proxy');
    proxy = new TcpProxy(pg.port);
    await proxy.start();
    devserver = new Devserver(await freePort(), undefined);
    await devserver.start();
  }, 120_000);
  afterAll(async () => {
    await devserver?.proc.stop();
    await proxy?.stop();
    await pg?.stop();
  });

  it('fails that attempt only: the worker survives, the retry resumes, the tables are exact', async () => {
    const proxiedUrl = pg.url.replace(`:${pg.port}/`, `:${proxy.port}/`);
    const scenario = new Scenario('proxy', devserver.address, { SPARKIFY_POSTGRES_URL: proxiedUrl });
    const temporal = await temporalClient(devserver.address);
    const workflowId = `faults-proxy-${Date.now()}`;
    const previousUrl = process.env.SPARKIFY_POSTGRES_URL;
    process.env.SPARKIFY_POSTGRES_URL = pg.url;
    try {
      const worker = await scenario.worker('worker');
      const started = Date.now();
      await scenario.startRun(workflowId, dataset, ['--keep-warehouse', '--provider', 'postgres']);
      await waitFor('a COPY to be under way', 120_000, async () => {
        const pending = await pendingActivities(temporal.client, workflowId);
        return pending.some((a) => a.type === 'copyStagingEvents' && a.started) && proxy.maxClientBytes > 512 * 1024 ? true : undefined;
      }, 5);
      const cut = proxy.cutAll();
      const faultAt = Date.now();
      expect(cut).toBeGreaterThan(0);
      const result = (await temporal.client.workflow.getHandle(workflowId).result()) as SparkifyEtlResult;
      const endedAt = Date.now();
      await sleep(200);
      expect(worker.alive).toBe(true);
      expect(worker.text()).not.toMatch(/uncaught|unhandled/i);
      await expectExact(scenario, result);
      recordFigure('warehouse-faults', {
        fault: `connection cut mid-COPY (${cut} sockets reset)`,
        outcome: `completed exact, worker alive; durationsMs ${JSON.stringify(result.durationsMs)}`,
        faultToEndMs: endedAt - faultAt,
        totalMs: endedAt - started,
      });
      await expectNothingLeft(scenario);
    } finally {
      process.env.SPARKIFY_POSTGRES_URL = previousUrl;
      await temporal.close();
      await scenario.stopAll();
      scenario.removeHome();
    }
  }, 240_000);
});

describe('SIGKILL of the devserver (--db-filename) mid-run', () => {
  it('restarted on its state file, it carries the run to exactly the reference tables', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-faults-devserver-'));
    const devserver = new Devserver(await freePort(), path.join(stateDir, 'state.db'));
    await devserver.start();
    const scenario = new Scenario('devserver', devserver.address);
    const workflowId = `faults-devserver-${Date.now()}`;
    let temporal = await temporalClient(devserver.address);
    try {
      await scenario.worker('worker');
      const started = Date.now();
      await scenario.startRun(workflowId, dataset, ['--keep-warehouse']);
      await waitFor('staging to start', 120_000, async () => {
        const pending = await pendingActivities(temporal.client, workflowId);
        return pending.some((a) => a.type === 'copyStagingEvents' && a.started) ? true : undefined;
      }, 10);
      await temporal.close();
      devserver.proc.kill('SIGKILL');
      const faultAt = Date.now();
      await devserver.proc.exited;
      await devserver.start();
      temporal = await temporalClient(devserver.address);
      const result = (await temporal.client.workflow.getHandle(workflowId).result()) as SparkifyEtlResult;
      const endedAt = Date.now();
      await expectExact(scenario, result);
      recordFigure('warehouse-faults', {
        fault: 'devserver SIGKILL mid-staging, restarted on its --db-filename',
        outcome: `completed exact; durationsMs ${JSON.stringify(result.durationsMs)}`,
        faultToEndMs: endedAt - faultAt,
        totalMs: endedAt - started,
      });
      await expectNothingLeft(scenario);
    } finally {
      await temporal.close();
      await scenario.stopAll();
      await devserver.proc.stop();
      scenario.removeHome();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  }, 240_000);
});
