/**
 * Records the example histories the replay test feeds to Worker.runReplayHistory (npm run
 * histories): sparkifyEtl runs on the committed small fixture through an in-process devserver and
 * a worker, each saved with `sparkify history <id> --json`. Run it again when a workflow change is
 * meant to change histories (and say so in the commit). A change guarded by `patched()` keeps the
 * old recording beside the new one under a name saying what it predates
 * (full-load-fact-after-dimensions.json, full-load-summarize-then-quality.json,
 * full-load-all-checks-after-fact.json, full-load-remaining-checks-in-one.json,
 * full-load-dimensions-in-pairs.json, full-load-summary-beside-checks.json), so every branch keeps
 * replaying.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { startDevServer } from '../../devserver/src';
import * as activities from '../../src/activities';
import { runCli } from '../../src/cli/program';
import type { SparkifyEtlInput } from '../../src/contract';
import { createSparkifyWorker } from '../../src/worker';
import { warehouseProvider } from '../../src/warehouse/registry';
import { sparkifyEtl } from '../../src/workflows';

const HERE = __dirname;
const FIXTURE = path.resolve(HERE, '..', 'fixtures', 'sparkify-small');

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-histories-'));
  fs.chmodSync(home, 0o755);
  process.env.SPARKIFY_HOME = home;
  const server = await startDevServer({ port: 0 });
  process.env.TEMPORAL_ADDRESS = server.address;
  const connection = await NativeConnection.connect({ address: server.address });
  const taskQueue = 'sparkify-histories';
  let failedOnce = false;
  const worker = await createSparkifyWorker({
    connection,
    taskQueue,
    activities: {
      // One failed attempt, so the history shows a retry with the failure that caused it.
      copyStagingSongs: async (input) => {
        if (!failedOnce && Context.current().info.attempt === 1) {
          failedOnce = true;
          throw new Error('injected failure of the first attempt (recording example histories)');
        }
        return activities.copyStagingSongs(input);
      },
    },
  });
  const client = new Client({ connection: connection as never });
  const source = { type: 'local', path: FIXTURE } as const;
  const runs: Array<[string, SparkifyEtlInput]> = [
    ['full-load', { source }],
    ['incremental-first', { source, incremental: { warehouseName: 'histories' } }],
    ['incremental-nothing-new', { source, incremental: { warehouseName: 'histories' } }],
  ];
  try {
    await worker.runUntil(async () => {
      for (const [name, input] of runs) {
        await client.workflow.execute(sparkifyEtl, { taskQueue, workflowId: `example-${name}`, args: [input] });
        const lines: string[] = [];
        const log = console.log;
        console.log = (text: string) => void lines.push(text);
        let code: number;
        try {
          code = await runCli(['history', `example-${name}`, '--json']);
        } finally {
          console.log = log;
        }
        if (code !== 0) throw new Error(`sparkify history example-${name} --json exited ${code}`);
        fs.writeFileSync(path.join(HERE, `${name}.json`), lines.join('\n') + '\n');
        console.log(`recorded test/histories/${name}.json`);
      }
    });
  } finally {
    await warehouseProvider('local').teardown('named_histories', { heartbeat: () => undefined });
    await connection.close();
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
