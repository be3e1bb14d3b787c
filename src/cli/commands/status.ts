/** `sparkify status <workflowId>`: progress while running, the summary or failure once closed. */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { connectClient, temporalSettings } from '../../client/connection';
import { helpText, parseCommandArgs, UsageError, type FlagSpecs } from '../lib/args';
import { runCommand } from '../lib/command';
import { etlHandle, queryProgress } from '../lib/etl-client';
import { describeError } from '../lib/failure';
import { progressFraction, progressLine } from '../lib/progress';
import { renderSummary } from '../lib/summary';

const FLAGS = {
  json: { type: 'boolean', description: 'print status, progress or result as JSON' },
} satisfies FlagSpecs;

const HELP = helpText(
  'npm run sparkify -- status <workflowId> [--json]',
  'Shows a sparkifyEtl run on $TEMPORAL_ADDRESS: its progress while it runs, its summary when it\n' +
    'completed, its failure when it failed (exit code 1).',
  FLAGS,
);

export function run(argv: string[]): Promise<number> {
  return runCommand('status', async () => {
    const { flags, positionals, help } = parseCommandArgs(argv, FLAGS, { min: 1, max: 1 });
    if (help) {
      console.log(HELP);
      return 0;
    }
    const workflowId = positionals[0];
    const settings = temporalSettings();
    const connection = await connectClient(settings);
    try {
      const client = new Client({ connection, namespace: settings.namespace });
      const handle = etlHandle(client, workflowId);
      let status: string;
      try {
        status = (await handle.describe()).status.name;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new UsageError(`no workflow ${workflowId} in namespace ${settings.namespace}`);
        throw err;
      }
      const print = (json: object, text: string) => console.log(flags.json ? JSON.stringify(json, null, 2) : text);
      if (status === 'RUNNING') {
        const progress = await queryProgress(handle);
        const percent = Math.round(progressFraction(progress) * 100);
        print({ workflowId, status, progress }, `${workflowId} RUNNING ${percent}%  ${progressLine(progress)}`);
        return 0;
      }
      if (status === 'COMPLETED') {
        const result = await handle.result();
        print({ workflowId, status, result }, renderSummary(workflowId, result));
        return 0;
      }
      let message = status;
      try {
        await handle.result();
      } catch (err) {
        message = describeError(err).message;
      }
      print({ workflowId, status, error: message }, `${workflowId} ${status}: ${message}`);
      return 1;
    } finally {
      await connection.close();
    }
  });
}
