/** `sparkify gc`: removes warehouses whose run no longer exists or has closed. */
import type { Command } from 'commander';
import type { Connection } from '@temporalio/client';
import { connectClient, describeTemporal, temporalSettings } from '../../client/connection';
import { collectOrphanedWarehouses, renderGcReport } from '../../client/warehouse-gc';
import { registeredProviders } from '../../warehouse/registry';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { examples, UsageError } from '../lib/options';

interface GcCommandOptions {
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  provider?: string[];
}

export function addGcCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('gc')
    .summary('remove warehouses whose run is gone')
    .description(
      'Lists the warehouses of every provider (local: directories under $SPARKIFY_HOME; postgres: ' +
      'sparkify_* schemas on $SPARKIFY_POSTGRES_URL) and asks Temporal ($TEMPORAL_ADDRESS) about the run ' +
      'each one records. A warehouse whose run does not exist or has closed is removed (a running ' +
      'postmaster is stopped first). Kept: warehouses of running runs, of runs started with ' +
      '--keep-warehouse, and of any run when Temporal does not answer; warehouses without a readable ' +
      'owner marker are only reported unless --force. Exit code 1 when a removal failed.',
    )
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--force', 'also remove warehouses whose owner marker is missing or unreadable')
    .option('--provider <name...>', `only these providers (default: ${registeredProviders().join(', ')})`)
    .option('--json', 'print the report as JSON')
    .addHelpText('after', examples(['npm run sparkify -- gc --dry-run', 'npm run sparkify -- gc --json', 'npm run sparkify -- gc --provider local --force']))
    .action(commandAction(done, runGc));
}

async function runGc(options: GcCommandOptions): Promise<number> {
  for (const name of options.provider ?? []) {
    if (!registeredProviders().includes(name)) throw new UsageError(`--provider ${name}: unknown (this build has: ${registeredProviders().join(', ')})`);
  }
  const settings = temporalSettings();
  let connection: Connection | undefined;
  try {
    connection = await connectClient(settings);
  } catch {
    connection = undefined; // reported below: everything owned by a run is kept
  }
  try {
    const report = await collectOrphanedWarehouses({
      connection,
      temporal: describeTemporal(settings),
      address: settings.address,
      dryRun: options.dryRun,
      force: options.force,
      providers: options.provider,
    });
    if (options.json) console.log(JSON.stringify(report, null, 2));
    else for (const line of renderGcReport(report)) console.log(line);
    return report.entries.some((e) => e.action === 'remove failed') ? 1 : 0;
  } finally {
    await connection?.close();
  }
}
