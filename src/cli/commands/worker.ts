/** `sparkify worker`: a worker for the sparkifyEtl workflow and its activities on a running Temporal. */
import { connectWorker, describeTemporal, temporalSettings } from '../../client/connection';
import { createSparkifyWorker, DEFAULT_MAX_ACTIVITIES } from '../../worker';
import { helpText, parseCommandArgs, type FlagSpecs } from '../lib/args';
import { runCommand } from '../lib/command';
import { installCliRuntime } from '../lib/runtime';

const FLAGS = {
  'task-queue': { type: 'string', valueName: 'NAME', description: 'task queue to poll (default $TEMPORAL_TASK_QUEUE or sparkify)' },
  'max-activities': {
    type: 'integer',
    min: 1,
    max: 256,
    description: `activities run at once by this worker (default ${DEFAULT_MAX_ACTIVITIES})`,
  },
} satisfies FlagSpecs;

const HELP = helpText(
  'npm run sparkify -- worker [options]',
  'Runs a worker until Ctrl-C. Connects to $TEMPORAL_ADDRESS (default localhost:7233) in\n' +
    '$TEMPORAL_NAMESPACE (default "default"); TLS and API key settings come from the environment.',
  FLAGS,
);

export function run(argv: string[]): Promise<number> {
  return runCommand('worker', async () => {
    const { flags, help } = parseCommandArgs(argv, FLAGS);
    if (help) {
      console.log(HELP);
      return 0;
    }
    const settings = temporalSettings(flags['task-queue'] ? { taskQueue: flags['task-queue'] } : {});
    installCliRuntime({ handleSignals: true, level: 'INFO' });
    const connection = await connectWorker(settings);
    try {
      const worker = await createSparkifyWorker({
        connection,
        namespace: settings.namespace,
        taskQueue: settings.taskQueue,
        maxConcurrentActivityTaskExecutions: flags['max-activities'],
      });
      console.log(`sparkify worker: polling task queue "${settings.taskQueue}" on ${describeTemporal(settings)}; Ctrl-C stops`);
      await worker.run();
      console.log('sparkify worker: stopped');
      return 0;
    } finally {
      await connection.close();
    }
  });
}
