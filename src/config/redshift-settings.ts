/**
 * The Redshift cluster this worker provisions and loads: dwh.cfg [DWH] and [IAM_ROLE] as the
 * Sparkify projects name them, each overridable by an environment variable. Read in the process
 * that runs activities; no value here is ever put in a workflow input.
 */
import * as fs from 'node:fs';
import type { DwhConfig } from './dwh-cfg';
import { configurationError } from './errors';
import { optionalSetting, setFileSetting } from './env';

/** Environment variable ← dwh.cfg key. */
export const REDSHIFT_ENV = {
  clusterId: 'SPARKIFY_REDSHIFT_CLUSTER_ID',
  clusterType: 'SPARKIFY_REDSHIFT_CLUSTER_TYPE',
  nodes: 'SPARKIFY_REDSHIFT_NODES',
  nodeType: 'SPARKIFY_REDSHIFT_NODE_TYPE',
  database: 'SPARKIFY_REDSHIFT_DATABASE',
  user: 'SPARKIFY_REDSHIFT_USER',
  port: 'SPARKIFY_REDSHIFT_PORT',
  iamRole: 'SPARKIFY_REDSHIFT_IAM_ROLE',
  roleName: 'SPARKIFY_REDSHIFT_ROLE_NAME',
  region: 'SPARKIFY_REDSHIFT_REGION',
  /** A master password in the environment (instead of ManageMasterPassword). */
  password: 'SPARKIFY_REDSHIFT_PASSWORD',
  /** A file holding the master password; must not be readable by group or others. */
  passwordFile: 'SPARKIFY_REDSHIFT_PASSWORD_FILE',
  /** Take a final snapshot with this identifier when deleting the cluster. */
  finalSnapshot: 'SPARKIFY_REDSHIFT_FINAL_SNAPSHOT',
  /** How often DescribeClusters / DescribeStatement are polled, in ms (tests shorten it). */
  pollMs: 'SPARKIFY_REDSHIFT_POLL_MS',
  /** Where the COPY manifests are written: s3://bucket/prefix. */
  manifestPrefix: 'SPARKIFY_REDSHIFT_MANIFEST_PREFIX',
  /** An existing cluster reached by host and port over pg (dwh.cfg [CLUSTER]); no provision, no teardown. */
  existingHost: 'SPARKIFY_REDSHIFT_EXISTING_HOST',
  existingPort: 'SPARKIFY_REDSHIFT_EXISTING_PORT',
  existingDatabase: 'SPARKIFY_REDSHIFT_EXISTING_DATABASE',
  existingUser: 'SPARKIFY_REDSHIFT_EXISTING_USER',
  existingPassword: 'SPARKIFY_REDSHIFT_EXISTING_PASSWORD',
  /** A CA certificate file to verify the existing cluster's TLS certificate with (default: Node's CAs). */
  sslRootCert: 'SPARKIFY_REDSHIFT_SSL_ROOT_CERT',
} as const;

const FROM_FILE: ReadonlyArray<[keyof typeof REDSHIFT_ENV, string, string]> = [
  ['clusterId', 'DWH', 'DWH_CLUSTER_IDENTIFIER'],
  ['clusterType', 'DWH', 'DWH_CLUSTER_TYPE'],
  ['nodes', 'DWH', 'DWH_NUM_NODES'],
  ['nodeType', 'DWH', 'DWH_NODE_TYPE'],
  ['database', 'DWH', 'DWH_DB'],
  ['user', 'DWH', 'DWH_DB_USER'],
  ['port', 'DWH', 'DWH_PORT'],
  ['roleName', 'DWH', 'DWH_IAM_ROLE_NAME'],
  ['region', 'DWH', 'DWH_REGION'],
  ['iamRole', 'IAM_ROLE', 'ARN'],
  ['existingHost', 'CLUSTER', 'HOST'],
  ['existingPort', 'CLUSTER', 'DB_PORT'],
  ['existingDatabase', 'CLUSTER', 'DB_NAME'],
  ['existingUser', 'CLUSTER', 'DB_USER'],
];

/** Takes [DWH]/[IAM_ROLE] (and [DWH] DWH_DB_PASSWORD, kept in this process) as file settings. */
export function useRedshiftConfig(config: DwhConfig): string[] {
  const used: string[] = [];
  for (const [name, section, key] of FROM_FILE) {
    const value = config.values[section]?.[key];
    setFileSetting(REDSHIFT_ENV[name], value);
    if (value !== undefined && !process.env[REDSHIFT_ENV[name]]) used.push(`[${section}] ${key}`);
  }
  const password = config.secrets.DWH?.DWH_DB_PASSWORD;
  setFileSetting(REDSHIFT_ENV.password, password);
  if (password !== undefined) used.push('[DWH] DWH_DB_PASSWORD');
  setFileSetting(REDSHIFT_ENV.existingPassword, config.secrets.CLUSTER?.DB_PASSWORD);
  return used;
}

export interface RedshiftSettings {
  clusterId: string;
  clusterType: 'single-node' | 'multi-node';
  nodes: number;
  nodeType: string;
  database: string;
  user: string;
  port: number;
  /** The role COPY assumes to read S3; also attached to the cluster at creation. */
  iamRole?: string;
  roleName?: string;
  region?: string;
  finalSnapshot?: string;
  pollMs: number;
  manifestPrefix?: string;
}

/** Redshift's rule for cluster identifiers: lowercase letters, digits, hyphens, starting with a letter. */
const CLUSTER_ID = /^[a-z](?!.*--)[a-z0-9-]{0,62}$/;

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = optionalSetting(name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw configurationError(name, `must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/** The settings, checked; a bad one is a non-retryable ConfigurationError naming it. */
export function redshiftSettings(): RedshiftSettings {
  // Redshift lowercases identifiers itself; dwh.cfg's customary "dwhCluster" is accepted that way.
  const clusterId = (optionalSetting(REDSHIFT_ENV.clusterId) ?? 'sparkify-dwh').toLowerCase();
  if (!CLUSTER_ID.test(clusterId) || clusterId.endsWith('-')) {
    throw configurationError(REDSHIFT_ENV.clusterId, `"${clusterId}" is not a Redshift cluster identifier (a letter, then letters, digits and single hyphens, at most 63)`);
  }
  const clusterType = optionalSetting(REDSHIFT_ENV.clusterType) ?? 'multi-node';
  if (clusterType !== 'single-node' && clusterType !== 'multi-node') {
    throw configurationError(REDSHIFT_ENV.clusterType, `must be single-node or multi-node, got "${clusterType}"`);
  }
  const nodes = integer(REDSHIFT_ENV.nodes, clusterType === 'single-node' ? 1 : 2, 1, 128);
  if (clusterType === 'multi-node' && nodes < 2) throw configurationError(REDSHIFT_ENV.nodes, 'must be at least 2 for a multi-node cluster');
  const iamRole = optionalSetting(REDSHIFT_ENV.iamRole);
  if (iamRole !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(iamRole)) {
    throw configurationError(REDSHIFT_ENV.iamRole, `is not an IAM role ARN (arn:aws:iam::<account>:role/<name>), got "${iamRole}"`);
  }
  const settings: RedshiftSettings = {
    clusterId,
    clusterType,
    nodes,
    nodeType: optionalSetting(REDSHIFT_ENV.nodeType) ?? 'ra3.large',
    database: optionalSetting(REDSHIFT_ENV.database) ?? 'dev',
    user: optionalSetting(REDSHIFT_ENV.user) ?? 'awsuser',
    port: integer(REDSHIFT_ENV.port, 5439, 1150, 65535),
    pollMs: integer(REDSHIFT_ENV.pollMs, 15_000, 10, 600_000),
  };
  const optional = {
    iamRole,
    roleName: optionalSetting(REDSHIFT_ENV.roleName),
    region: optionalSetting(REDSHIFT_ENV.region),
    finalSnapshot: optionalSetting(REDSHIFT_ENV.finalSnapshot),
    manifestPrefix: optionalSetting(REDSHIFT_ENV.manifestPrefix),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  return settings;
}

/**
 * A master password configured by the user, or undefined (then Redshift manages it in Secrets
 * Manager and nothing here ever sees it). From the environment, a 0600 file, or dwh.cfg.
 */
export function configuredMasterPassword(): string | undefined {
  const file = optionalSetting(REDSHIFT_ENV.passwordFile);
  if (file !== undefined) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch (err) {
      throw configurationError(REDSHIFT_ENV.passwordFile, `names a file that cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if ((stat.mode & 0o077) !== 0) {
      throw configurationError(REDSHIFT_ENV.passwordFile, `names a file readable by others (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`);
    }
    return fs.readFileSync(file, 'utf8').trim();
  }
  return optionalSetting(REDSHIFT_ENV.password);
}

/** An existing cluster named by host (dwh.cfg [CLUSTER]), reached over pg with TLS. */
export interface ExistingCluster {
  host: string;
  port: number;
  database: string;
  user: string;
  /** Resolved in the process that connects; never returned from an activity. */
  password?: string;
  caFile?: string;
}

/** The existing cluster when one is configured (then the provider neither creates nor deletes one). */
export function existingCluster(): ExistingCluster | undefined {
  const host = optionalSetting(REDSHIFT_ENV.existingHost);
  if (host === undefined) return undefined;
  const database = optionalSetting(REDSHIFT_ENV.existingDatabase);
  const user = optionalSetting(REDSHIFT_ENV.existingUser);
  if (database === undefined) throw configurationError(REDSHIFT_ENV.existingDatabase, 'is not set (dwh.cfg [CLUSTER] DB_NAME), needed with a cluster host');
  if (user === undefined) throw configurationError(REDSHIFT_ENV.existingUser, 'is not set (dwh.cfg [CLUSTER] DB_USER), needed with a cluster host');
  const cluster: ExistingCluster = { host, port: integer(REDSHIFT_ENV.existingPort, 5439, 1, 65535), database, user };
  const password = optionalSetting(REDSHIFT_ENV.existingPassword);
  if (password !== undefined) cluster.password = password;
  const caFile = optionalSetting(REDSHIFT_ENV.sslRootCert);
  if (caFile !== undefined) cluster.caFile = caFile;
  return cluster;
}
