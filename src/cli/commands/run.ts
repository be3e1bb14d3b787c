/** `sparkify run`: start sparkifyEtl on a running Temporal (a worker must be polling), optionally wait. */
import { Client } from '@temporalio/client';
import { connectClient, describeTemporal, temporalSettings } from '../../client/connection';
import { helpText, parseCommandArgs, UsageError, type FlagSpecs } from '../lib/args';
import { runCommand } from '../lib/command';
import { newWorkflowId, startEtl, watchEtl } from '../lib/etl-client';
import { ETL_FLAGS, etlInputFromFlags } from '../lib/etl-flags';
import { createProgressView } from '../lib/progress';
import { renderSummary } from '../lib/summary';

const FLAGS = {
  ...ETL_FLAGS,
  'workflow-id': { type: 'string', valueName: 'ID', description: 'workflow id (default sparkify-<time>-<random>)' },
  'task-queue': { type: 'string', valueName: 'NAME', description: 'task queue (default $TEMPORAL_TASK_QUEUE or sparkify)' },
  wait: { type: 'boolean', description: 'wait for the run, showing progress, then print the summary' },
} satisfies FlagSpecs;

const HELP = helpText(
  'npm run sparkify -- run --source DIR [options]',
  'Starts the sparkifyEtl workflow on $TEMPORAL_ADDRESS (default localhost:7233) and prints its id.\n' +
    'A worker (npm run sparkify -- worker) must poll the task queue, and see DIR at the same path.',
  FLAGS,
);

export function run(argv: string[]): Promise<number> {
  return runCommand('run', async () => {
    const { flags, help } = parseCommandArgs(argv, FLAGS);
    if (help) {
      console.log(HELP);
      return 0;
    }
    if (!flags.source) throw new UsageError('--source DIR is required (see --help)');
    const input = etlInputFromFlags(flags, flags.source);
    const settings = temporalSettings(flags['task-queue'] ? { taskQueue: flags['task-queue'] } : {});
    const connection = await connectClient(settings);
    try {
      const client = new Client({ connection, namespace: settings.namespace });
      const workflowId = flags['workflow-id'] ?? newWorkflowId();
      const handle = await startEtl(client, { taskQueue: settings.taskQueue, workflowId, input });
      const started = `started sparkifyEtl ${workflowId} on ${describeTemporal(settings)}, task queue "${settings.taskQueue}"`;
      if (!flags.wait) {
        if (flags.json) console.log(JSON.stringify({ workflowId, runId: handle.firstExecutionRunId }));
        else console.log(`${started}\nfollow it with: npm run sparkify -- status ${workflowId}`);
        return 0;
      }
      console.error(started);
      const result = await watchEtl(handle, createProgressView(process.stderr));
      console.log(flags.json ? JSON.stringify({ workflowId, ...result }, null, 2) : renderSummary(workflowId, result));
      return 0;
    } finally {
      await connection.close();
    }
  });
}
