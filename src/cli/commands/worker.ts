/** `sparkify worker`: a worker for the sparkifyEtl workflow and its activities on a running Temporal. */
import { connectClient, connectWorker, describeTemporal, temporalSettings } from '../../client/connection';
import { createSparkifyWorker, DEFAULT_MAX_ACTIVITIES } from '../../worker';
import type { Command } from 'commander';
import { useConfigInThisProcess } from '../../config/worker-settings';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { fromConfig, loadConfig } from '../lib/config-option';
import { examples, integerIn } from '../lib/options';
import { installProcessGuard } from '../../process-guard';
import { installCliRuntime } from '../lib/runtime';
import { sweepOrphanedWarehouses } from '../lib/warehouse-sweep';

interface WorkerOptions {
  config?: string;
  taskQueue?: string;
  maxActivities?: number;
}

export function addWorkerCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('worker')
    .summary('run a worker on the sparkify task queue')
    .description(
      'Runs a worker until Ctrl-C. Connects to $TEMPORAL_ADDRESS (default localhost:7233) in ' +
      '$TEMPORAL_NAMESPACE (default "default"); TLS and API key settings come from the environment. ' +
      'With --config dwh.cfg it takes AWS keys and region ([AWS]) and the postgres login ([CLUSTER]) ' +
      'from the file, unless the environment sets them; they stay in this process.',
    )
    .option('--task-queue <name>', 'task queue to poll (default $TEMPORAL_TASK_QUEUE or sparkify)')
    .option('--max-activities <n>', `activities run at once by this worker (default ${DEFAULT_MAX_ACTIVITIES})`, integerIn(1, 256))
    .addHelpText(
      'after',
      examples([
        'npm run sparkify -- worker',
        'npm run sparkify -- worker --config dwh.cfg',
        'TEMPORAL_ADDRESS=temporal.internal:7233 npm run sparkify -- worker --task-queue sparkify ' +
        '--max-activities 16',
      ]),
    )
    .action(commandAction(done, runWorker));
}

async function runWorker(options: WorkerOptions): Promise<number> {
  const config = loadConfig(options.config, { secrets: true });
  const fromFile = config ? fromConfig(() => useConfigInThisProcess(config)) : [];
  const settings = temporalSettings(options.taskQueue ? { taskQueue: options.taskQueue } : {});
  if (config) console.log(`sparkify worker: from ${config.file}: ${fromFile.length > 0 ? fromFile.join(', ') : 'nothing this worker uses'}`);
  installCliRuntime({ handleSignals: true, level: 'INFO' });
  installProcessGuard();
  const connection = await connectWorker(settings);
  try {
    const client = await connectClient(settings);
    try {
      await sweepOrphanedWarehouses(settings, client, (line) => console.log(`sparkify worker: ${line}`));
    } finally {
      await client.close();
    }
    const worker = await createSparkifyWorker({
      connection,
      namespace: settings.namespace,
      taskQueue: settings.taskQueue,
      maxConcurrentActivityTaskExecutions: options.maxActivities,
    });
    console.log(`sparkify worker: polling task queue "${settings.taskQueue}" on ${describeTemporal(settings)}; Ctrl-C stops`);
    await worker.run();
    console.log('sparkify worker: stopped');
    return 0;
  } finally {
    await connection.close();
  }
}
