/**
 * `sparkify history <workflowId>`: a run's event history as a readable timeline, or with --json
 * as the proto3 JSON that `temporal workflow show --output json` prints and the Web UI and
 * `Worker.runReplayHistory` import (historyToJSON).
 */
import { Client, WorkflowNotFoundError } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import type { Command } from 'commander';
import { connectClient, temporalSettings } from '../../client/connection';
import { renderTimeline, timelineOf } from '../../client/history-timeline';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { examples, UsageError } from '../lib/options';

export function addHistoryCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('history')
    .summary('a run\'s event history: a timeline of its activities, or JSON to replay or import elsewhere')
    .description(
      'Reads a workflow run\'s event history from $TEMPORAL_ADDRESS. Without --json: every activity with ' +
      'its attempts, durations, failures and heartbeat details. With --json: the history as ' +
      '`temporal workflow show --output json` prints it (for the Web UI, `temporal workflow replay` or ' +
      'Worker.runReplayHistory).',
    )
    .argument('<workflowId>')
    .option('--run-id <id>', 'a run other than the latest')
    .option('--json', 'the history as proto3 JSON')
    .addHelpText('after', examples([
      'npm run sparkify -- history sparkify-20261202T063000-abc123',
      'npm run sparkify -- history sparkify-nightly-2026-12-02T03:00:00Z --json > run.json',
    ]))
    .action(commandAction(done, showHistory));
}

async function showHistory(workflowId: string, options: { runId?: string; json?: boolean }): Promise<number> {
  const settings = temporalSettings();
  const connection = await connectClient(settings);
  try {
    const client = new Client({ connection, namespace: settings.namespace });
    const handle = client.workflow.getHandle(workflowId, options.runId);
    let runId: string;
    try {
      runId = (await handle.describe()).runId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        throw new UsageError(`no workflow ${workflowId}${options.runId ? ` run ${options.runId}` : ''} in namespace ${settings.namespace}`);
      }
      throw err;
    }
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    if (options.json) console.log(historyToJSON(history));
    else console.log(renderTimeline(workflowId, runId, timelineOf(history)).join('\n'));
    return 0;
  } finally {
    await connection.close();
  }
}
