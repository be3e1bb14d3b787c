/** `sparkify run`: start sparkifyEtl on a running Temporal (a worker must be polling), optionally wait. */
import { Client } from '@temporalio/client';
import { connectClient, describeTemporal, temporalSettings } from '../../client/connection';
import type { Command } from 'commander';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { newWorkflowId, startEtl, watchEtl } from '../lib/etl-client';
import { loadConfig } from '../lib/config-option';
import { addEtlOptions, etlInputFromOptions, sourceFromOptions, type EtlOptions } from '../lib/etl-flags';
import { examples, UsageError } from '../lib/options';
import { createProgressView } from '../lib/progress';
import { renderSummary } from '../lib/summary';

interface RunOptions extends EtlOptions {
  workflowId?: string;
  taskQueue?: string;
  wait?: boolean;
}

export function addRunCommand(program: Command, done: ExitCodeSink): Command {
  const command = program
    .command('run')
    .summary('start the sparkifyEtl workflow on a running Temporal (--wait to wait for it)')
    .description(
      'Starts the sparkifyEtl workflow on $TEMPORAL_ADDRESS (default localhost:7233) and prints its ' +
      'id. A worker (npm run sparkify -- worker) must poll the task queue, and see a local source at ' +
      'the same path (an s3:// source any worker can read). --config dwh.cfg gives the [S3] locations; ' +
      'this process reads no secret from it (the workers read their own).',
    );
  return addEtlOptions(command, { sourceRequired: true })
    .option('--workflow-id <id>', 'workflow id (default sparkify-<time>-<random>)')
    .option('--task-queue <name>', 'task queue (default $TEMPORAL_TASK_QUEUE or sparkify)')
    .option('--wait', 'wait for the run, showing progress, then print the summary')
    .addHelpText(
      'after',
      examples([
        'npm run sparkify -- run --source /data/sparkify',
        'npm run sparkify -- run --config dwh.cfg --wait',
        'npm run sparkify -- run --source=/data/sparkify --wait --max-errors 100 --json',
        'TEMPORAL_ADDRESS=temporal.internal:7233 npm run sparkify -- run --source /data/sparkify ' +
        '--provider postgres',
        'npm run sparkify -- run --source /data/sparkify --incremental --warehouse-name daily --from 2018-11-01 --to 2018-11-07',
      ]),
    )
    .action(commandAction(done, runEtl));
}

async function runEtl(options: RunOptions): Promise<number> {
  // Locations only: the secrets of the file are dropped as it is read.
  const config = loadConfig(options.config, { secrets: false });
  const source = sourceFromOptions(options, config);
  if (source === undefined) throw new UsageError('--source DIR|s3://bucket/prefix is required (or --config with an [S3] section)');
  const input = etlInputFromOptions(options, source);
  const settings = temporalSettings(options.taskQueue ? { taskQueue: options.taskQueue } : {});
  const connection = await connectClient(settings);
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    const workflowId = options.workflowId ?? newWorkflowId();
    const handle = await startEtl(client, { taskQueue: settings.taskQueue, workflowId, input });
    const started = `started sparkifyEtl ${workflowId} on ${describeTemporal(settings)}, task queue "${settings.taskQueue}"`;
    if (!options.wait) {
      if (options.json) console.log(JSON.stringify({ workflowId, runId: handle.firstExecutionRunId }));
      else console.log(`${started}\nfollow it with: npm run sparkify -- status ${workflowId}`);
      return 0;
    }
    console.error(started);
    const result = await watchEtl(handle, createProgressView(process.stderr));
    console.log(options.json ? JSON.stringify({ workflowId, ...result }, null, 2) : renderSummary(workflowId, result));
    return 0;
  } finally {
    await connection.close();
  }
}
