/** `sparkify status <workflowId>`: progress while running, the summary or failure once closed. */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { connectClient, temporalSettings } from '../../client/connection';
import type { Command } from 'commander';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { etlHandle, queryProgress } from '../lib/etl-client';
import { describeError } from '../lib/failure';
import { examples, UsageError } from '../lib/options';
import { progressFraction, progressLine } from '../lib/progress';
import { renderSummary } from '../lib/summary';

export function addStatusCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('status')
    .summary('show the progress or result of a workflow')
    .description(
      'Shows a sparkifyEtl run on $TEMPORAL_ADDRESS: its progress while it runs, its summary when it ' +
      'completed, its failure when it failed (exit code 1).',
    )
    .argument('<workflowId>', 'the id `run` printed')
    .option('--json', 'print status, progress or result as JSON')
    .addHelpText(
      'after',
      examples(['npm run sparkify -- status sparkify-20261202T063000-abc123', 'npm run sparkify -- status sparkify-manual-1 --json']),
    )
    .action(commandAction(done, showStatus));
}

async function showStatus(workflowId: string, options: { json?: boolean }): Promise<number> {
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
    const print = (json: object, text: string) => console.log(options.json ? JSON.stringify(json, null, 2) : text);
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
}
