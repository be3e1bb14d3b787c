/**
 * `sparkify up` (npm start): the whole pipeline in one process on embedded defaults: our devserver
 * (unless TEMPORAL_ADDRESS is set), a worker, and one sparkifyEtl run on the local warehouse over
 * sample data (generated on first use), with live progress and a summary at the end.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from '@temporalio/client';
import { connectClient, connectWorker, describeTemporal, temporalSettings, type TemporalSettings } from '../../client/connection';
import type { WarehouseHandle } from '../../contract';
import { localWarehouseDirectory } from '../../warehouse/local-provider';
import { createSparkifyWorker } from '../../worker';
import type { Command } from 'commander';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { newWorkflowId, startEtl, watchEtl } from '../lib/etl-client';
import { useConfigInThisProcess } from '../../config/worker-settings';
import { describeSource } from '../../contract/source-location';
import { fromConfig, loadConfig } from '../lib/config-option';
import { addEtlOptions, etlInputFromOptions, sourceFromOptions, type EtlOptions } from '../lib/etl-flags';
import { exitEvenIfHandlesLeak, holdEmbeddedPostgresSigint } from '../lib/exit-hooks';
import { describeError } from '../lib/failure';
import { examples, UsageError } from '../lib/options';
import { createProgressView } from '../lib/progress';
import { installProcessGuard } from '../../process-guard';
import { installCliRuntime } from '../lib/runtime';
import { ensureSampleDataset } from '../lib/sample-data';
import { renderReportLines } from '../lib/report-lines';
import { renderSummary } from '../lib/summary';
import { writeReport } from '../../report/report';
import { warehouseProvider } from '../../warehouse/registry';
import { warehouseIdFor } from '../../workflows/input';
import { sweepOrphanedWarehouses } from '../lib/warehouse-sweep';
import { setInProcessTemporal } from '../../shared/in-process-temporal';

export function addUpCommand(program: Command, done: ExitCodeSink): Command {
  const command = program
    .command('up')
    .summary('run the whole pipeline on embedded defaults and print a summary (npm start)')
    .description(
      'Runs the sparkifyEtl workflow end to end and prints a summary. Starts an in-process Temporal ' +
      'devserver unless $TEMPORAL_ADDRESS is set; without --source it loads a generated sample ' +
      '(.sparkify/sample, made on first use). Ctrl-C cancels the run; teardown still runs.',
    );
  return addEtlOptions(command, { sourceRequired: false })
    .option('--report <dir>', "after the run, write the analysts' report (report.html, report.json, CSVs) into this directory")
    .addHelpText(
      'after',
      examples([
        'npm start',
        'npm start -- --source test/fixtures/sparkify-small --json',
        'npm run sparkify -- up --source=/data/sparkify --concurrency 4 --max-errors 100 --keep-warehouse',
        'npm run sparkify -- up --source s3://my-bucket/sparkify',
        'npm run sparkify -- up --config dwh.cfg --no-sign-request',
        'npm run sparkify -- up --source test/fixtures/sparkify-small --report /tmp/sparkify-report',
        'npm run sparkify -- up --source /data/sparkify --incremental --warehouse-name daily --json',
      ]),
    )
    .action(commandAction(done, up));
}

interface UpOptions extends EtlOptions {
  report?: string;
}

async function up(options: UpOptions): Promise<number> {
  // Everything but the summary goes to stderr, so `up --json` prints nothing but JSON on stdout.
  const say = (line: string) => console.error(line);
  // This process runs the activities too, so it reads the file's secrets (they stay in it).
  const config = loadConfig(options.config, { secrets: true });
  let source = sourceFromOptions(options, config);
  if (source?.type === 'local' && source.path !== undefined) {
    if (!fs.statSync(source.path, { throwIfNoEntry: false })?.isDirectory()) {
      throw new UsageError(`--source ${options.source}: no such directory`);
    }
  }
  etlInputFromOptions(options, source ?? { type: 'local', path: path.resolve('.') }); // every flag checked before anything starts
  if (config) fromConfig(() => useConfigInThisProcess(config));
  installCliRuntime({ handleSignals: false });
  installProcessGuard();
  const restoreSigint = holdEmbeddedPostgresSigint();
  source ??= { type: 'local', path: path.resolve(await ensureSampleDataset(say)) };
  const input = etlInputFromOptions(options, source);
  // The report reads the warehouse after the run: keep it until the report is written, then remove
  // it as the run would have (never a kept or long-lived incremental one).
  const reportKeepsWarehouse = options.report !== undefined && !input.keepWarehouse && input.incremental === undefined;
  if (reportKeepsWarehouse) input.keepWarehouse = true;

  const temporal = await startTemporal(say);
  let keepServing = false;
  try {
    const workflowId = newWorkflowId('sparkify-up');
    // A queue of our own: the run's source path is only known to be visible to this process.
    const settings: TemporalSettings = { ...temporal.settings, taskQueue: `${temporal.settings.taskQueue}-${workflowId}` };
    const [workerConnection, clientConnection] = await Promise.all([connectWorker(settings), connectClient(settings)]);
    try {
      await sweepOrphanedWarehouses(settings, clientConnection, say);
      const worker = await createSparkifyWorker({
        connection: workerConnection,
        namespace: settings.namespace,
        taskQueue: settings.taskQueue,
      });
      const client = new Client({ connection: clientConnection, namespace: settings.namespace });
      say(`sparkifyEtl ${workflowId}: loading ${describeSource(input.source)}`);
      const outcome = await worker.runUntil(async () => {
        const handle = await startEtl(client, { taskQueue: settings.taskQueue, workflowId, input });
        if (temporal.uiUrl) say(`the run in the Temporal Web UI: ${temporal.uiUrl}/namespaces/${settings.namespace}/workflows/${encodeURIComponent(workflowId)}/${handle.firstExecutionRunId}/history`);
        const cancel = () => {
          say('\ncancelling (teardown runs first) …');
          handle.cancel().catch(() => undefined);
        };
        process.once('SIGINT', cancel);
        try {
          return { result: await watchEtl(handle, createProgressView(process.stderr)) };
        } catch (err) {
          return { error: err };
        } finally {
          process.off('SIGINT', cancel);
        }
      });
      if ('error' in outcome) {
        // Kept only for the report, which a failed run does not get: remove it as the run would have.
        if (reportKeepsWarehouse) {
          await warehouseProvider(input.warehouse?.provider ?? 'local')
            .teardown(warehouseIdFor(workflowId), { heartbeat: () => undefined })
            .catch((err: unknown) => say(`could not remove the warehouse of the failed run: ${String(err)}`));
        }
        const { message } = describeError(outcome.error);
        if (options.json) console.log(JSON.stringify({ workflowId, ok: false, error: message }, null, 2));
        throw outcome.error;
      }
      const { result } = outcome;
      const ownTeardown = reportKeepsWarehouse ? result.warehouse : undefined;
      if (ownTeardown) delete result.warehouse;
      console.log(options.json ? JSON.stringify({ workflowId, ok: true, ...result }, null, 2) : renderSummary(workflowId, result));
      if (options.report !== undefined) {
        try {
          const written = await writeReport((ownTeardown ?? result.warehouse)!, path.resolve(options.report));
          (options.json ? say : console.log)(renderReportLines(written));
        } finally {
          if (ownTeardown) await warehouseProvider(ownTeardown.provider).teardown(ownTeardown.warehouseId, { heartbeat: () => undefined });
        }
      }
      if (result.warehouse?.provider === 'local' && !result.incremental) {
        // The kept server is a child of this process: stay until Ctrl-C stops it.
        keepServing = true;
        say(keptLocalWarehouseNote(result.warehouse));
      }
      return 0;
    } finally {
      await Promise.all([workerConnection.close(), clientConnection.close()]);
    }
  } finally {
    await temporal.stop();
    restoreSigint();
    if (!keepServing) exitEvenIfHandlesLeak();
  }
}

/** A kept local warehouse's server is a child of this process: say how to reach it and how to stop it. */
function keptLocalWarehouseNote(w: WarehouseHandle): string {
  const directory = localWarehouseDirectory(w.warehouseId);
  return [
    `the kept warehouse's PostgreSQL keeps running while this process does:`,
    `  psql -h ${w.host} -p ${w.port} -U ${w.user} ${w.database}   (password in ${path.join(directory, 'password')}; tables in schema ${w.schema})`,
    `Ctrl-C stops it; its data stays in ${directory}`,
  ].join('\n');
}

/** The Temporal to use: TEMPORAL_ADDRESS when set, else our devserver started in this process. */
async function startTemporal(say: (line: string) => void): Promise<{ settings: TemporalSettings; uiUrl?: string; stop(): Promise<void> }> {
  if (process.env.TEMPORAL_ADDRESS) {
    const settings = temporalSettings();
    say(`using Temporal at ${describeTemporal(settings)}`);
    return { settings, stop: async () => undefined };
  }
  // Loaded only here: a worker against a real Temporal never needs the devserver's code.
  const { startDevServer } = await import('../../../devserver/src');
  // The Web UI on 8233 as `temporal server start-dev` has it, or a free port when that one is taken.
  const server = await startDevServer({ port: 0, uiPort: 8233, uiPortFallback: true });
  say(`started the Temporal devserver at ${server.address}; Temporal Web UI at ${server.uiUrl} (while this runs)`);
  setInProcessTemporal(server.address);
  return {
    settings: temporalSettings({ address: server.address, namespace: 'default' }),
    uiUrl: server.uiUrl,
    stop: () => {
      setInProcessTemporal(undefined);
      return Promise.resolve(server.stop());
    },
  };
}
