/**
 * `sparkify cluster create | status | delete`: the Sparkify provisioning and teardown scripts as
 * commands. They run the same functions as the createRedshiftCluster / deleteRedshiftCluster
 * activities in this process, printing the cluster's state while they wait; each looks before it
 * acts, so running one again (after Ctrl-C, a lost terminal) picks up the same cluster.
 */
import { Argument, type Command } from 'commander';
import { redshiftSettings } from '../../config/redshift-settings';
import { useConfigInThisProcess } from '../../config/worker-settings';
import { iamClient, redshiftClient } from '../../warehouse/redshift/clients';
import { clusterStatus, deleteCluster, ensureCluster, type WaitHooks } from '../../warehouse/redshift/cluster';
import { deleteManagedRole, ensureCopyRole } from '../../warehouse/redshift/role';
import { sourceFromConfig } from '../../config/dwh-cfg';
import { commandAction, type ExitCodeSink } from '../lib/command';
import { fromConfig, loadConfig } from '../lib/config-option';
import { examples } from '../lib/options';

interface ClusterOptions {
  config?: string;
  json?: boolean;
  createRole?: boolean;
}

export function addClusterCommand(program: Command, done: ExitCodeSink): Command {
  return program
    .command('cluster')
    .summary('create, show or delete the Redshift cluster of dwh.cfg [DWH]')
    .description(
      'create: CreateCluster from dwh.cfg [DWH] (or SPARKIFY_REDSHIFT_* variables) with the [IAM_ROLE] ' +
      'role attached, Redshift managing the master password unless one is configured, then waits until ' +
      'it is available (5-20 minutes). An existing cluster with the identifier is reused. ' +
      'status: its state and endpoint. delete: DeleteCluster, then waits until it is gone (a cluster ' +
      'already gone is success). AWS credentials and region come from [AWS] or the SDK\'s default chain; ' +
      'AWS_ENDPOINT_URL_REDSHIFT / AWS_ENDPOINT_URL_IAM point the commands at an emulator.',
    )
    .addArgument(new Argument('<action>', 'what to do').choices(['create', 'status', 'delete']))
    .option('--json', 'print the result as JSON')
    .option('--create-role', 'create: also create the IAM role COPY assumes ([DWH] DWH_IAM_ROLE_NAME), S3 read-only on the [S3] buckets; delete: remove it again when this command created it')
    .addHelpText(
      'after',
      examples([
        'npm run sparkify -- cluster create --config dwh.cfg',
        'npm run sparkify -- cluster create --config dwh.cfg --create-role',
        'npm run sparkify -- cluster status --config dwh.cfg --json',
        'npm run sparkify -- cluster delete --config dwh.cfg',
      ]),
    )
    .action(commandAction(done, runCluster));
}

/** Prints each new state line once, with the time, to stderr (stdout keeps the result). */
function progressHooks(): WaitHooks {
  let last = '';
  return {
    heartbeat: (progress) => {
      const state = progress.replace(/ \(\d+ s\)$/, '');
      if (state !== last) console.error(`${new Date().toISOString().slice(11, 19)} ${progress}`);
      last = state;
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

async function runCluster(action: 'create' | 'status' | 'delete', options: ClusterOptions): Promise<number> {
  // This process talks to AWS itself: it takes the file's keys, region and [DWH] settings (never exported).
  const config = loadConfig(options.config, { secrets: true });
  if (config) fromConfig(() => useConfigInThisProcess(config));
  const settings = redshiftSettings();
  const client = redshiftClient(settings);
  const print = (json: object, text: string) => console.log(options.json ? JSON.stringify(json, null, 2) : text);
  if (action === 'status') {
    const status = await clusterStatus(client, settings);
    print(status, `cluster ${status.clusterId}: ${status.status}${status.endpoint ? ` at ${status.endpoint}` : ''}${status.nodes ? ` (${status.nodes} × ${status.nodeType})` : ''}`);
    return 0;
  }
  const hooks = progressHooks();
  if (action === 'create') {
    if (options.createRole) {
      const buckets = config ? bucketsOf(sourceFromConfig(config)) : [];
      const role = await ensureCopyRole(iamClient(settings), settings, buckets);
      console.error(`IAM role ${role.arn}: ${role.created ? 'created' : 'exists'} (S3 read-only on ${buckets.length > 0 ? buckets.join(', ') : 'every bucket'})`);
      settings.iamRole = role.arn;
    }
    const endpoint = await ensureCluster(client, settings, hooks);
    print({ clusterId: endpoint.clusterId, status: 'available', endpoint: `${endpoint.host}:${endpoint.port}`, database: endpoint.database, user: endpoint.user },
      `cluster ${endpoint.clusterId}: available at ${endpoint.host}:${endpoint.port}, database ${endpoint.database}, user ${endpoint.user}`);
    return 0;
  }
  const removed = await deleteCluster(client, settings, hooks);
  let roleRemoved: boolean | undefined;
  if (options.createRole) roleRemoved = await deleteManagedRole(iamClient(settings), settings);
  print({ clusterId: settings.clusterId, removed, ...(roleRemoved === undefined ? {} : { roleRemoved }) },
    `cluster ${settings.clusterId}: ${removed ? 'deleted' : 'was already gone'}${roleRemoved === undefined ? '' : roleRemoved ? '; IAM role removed' : '; no IAM role of ours to remove'}`);
  return 0;
}

function bucketsOf(source: ReturnType<typeof sourceFromConfig>): string[] {
  if (!source || source.type !== 's3') return [];
  const urls = [source.logData, source.songData, source.logJsonPath, source.path].filter((u): u is string => typeof u === 'string');
  return [...new Set(urls.map((u) => /^s3:\/\/([^/]+)/i.exec(u)?.[1]).filter((b): b is string => b !== undefined))];
}
