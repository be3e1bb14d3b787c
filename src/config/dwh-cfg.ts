/**
 * dwh.cfg, the INI file of the Sparkify projects: [S3] LOG_DATA / LOG_JSONPATH / SONG_DATA,
 * [CLUSTER] (the warehouse endpoint and its login), [IAM_ROLE] ARN, [DWH] (the cluster to create)
 * and [AWS] KEY / SECRET. Values may be quoted or not. Keys are matched case-insensitively (as
 * Python's configparser does). Unknown sections and keys are reported, never silently ignored.
 *
 * Secrets (passwords, the AWS secret key) are kept apart from the rest, so a caller that does not
 * need them (a client starting a run) drops them, and none of them is ever put in a workflow input.
 */
import * as fs from 'node:fs';
import * as ini from 'ini';
import type { SourceRef } from '../contract';

/** Every section and key the file may have; `secret` keys hold credentials. */
const SCHEMA: Readonly<Record<string, Readonly<Record<string, { secret?: boolean }>>>> = {
  S3: { LOG_DATA: {}, LOG_JSONPATH: {}, SONG_DATA: {} },
  CLUSTER: { HOST: {}, DB_NAME: {}, DB_USER: {}, DB_PASSWORD: { secret: true }, DB_PORT: {} },
  IAM_ROLE: { ARN: {} },
  DWH: {
    DWH_CLUSTER_TYPE: {}, DWH_NUM_NODES: {}, DWH_NODE_TYPE: {}, DWH_IAM_ROLE_NAME: {}, DWH_CLUSTER_IDENTIFIER: {},
    DWH_DB: {}, DWH_DB_USER: {}, DWH_DB_PASSWORD: { secret: true }, DWH_PORT: {}, DWH_REGION: {},
  },
  AWS: { KEY: {}, SECRET: { secret: true }, SESSION_TOKEN: { secret: true }, REGION: {} },
};

/** One problem with the file, with where it is (line numbers count from 1). */
export interface ConfigIssue {
  line?: number;
  message: string;
}

/** The file's values by SECTION → KEY (both upper case), secrets left out. */
export type ConfigValues = Record<string, Record<string, string>>;

export interface DwhConfig {
  file: string;
  values: ConfigValues;
  /** The secret values, present only when read with `secrets: true`. */
  secrets: ConfigValues;
  /** Unknown sections/keys, a file readable by others holding secrets: printed as warnings. */
  warnings: ConfigIssue[];
}

export class DwhConfigError extends Error {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
    this.name = 'DwhConfigError';
  }
}

/** Line number of `[section]` and of `key` inside it, for messages. */
function lineOf(lines: string[], section: string, key?: string): number | undefined {
  let inSection = false;
  for (let i = 0; i < lines.length; i++) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(lines[i]);
    if (header) {
      inSection = header[1].trim().toUpperCase() === section.toUpperCase();
      if (inSection && key === undefined) return i + 1;
      continue;
    }
    if (inSection && key !== undefined) {
      const match = /^\s*([^=;#\s][^=]*?)\s*=/.exec(lines[i]);
      if (match && match[1].toUpperCase() === key.toUpperCase()) return i + 1;
    }
  }
  return undefined;
}

/**
 * Reads and checks dwh.cfg. `secrets: false` (a process that only starts runs) drops the secret
 * values as soon as they are parsed; the warning about a readable file is given either way.
 */
export function readDwhConfig(file: string, options: { secrets: boolean }): DwhConfig {
  let text: string;
  let mode: number;
  try {
    text = fs.readFileSync(file, 'utf8');
    mode = fs.statSync(file).mode;
  } catch (err) {
    throw new DwhConfigError(file, `cannot read the configuration file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const lines = text.split(/\r?\n/);
  const parsed = ini.parse(text) as Record<string, unknown>;
  const values: ConfigValues = {};
  const secrets: ConfigValues = {};
  const warnings: ConfigIssue[] = [];
  const secretKeys: string[] = [];

  for (const [rawSection, body] of Object.entries(parsed)) {
    const section = rawSection.toUpperCase();
    const known = SCHEMA[section];
    if (typeof body !== 'object' || body === null) {
      // A key before any [section] header.
      warnings.push({ line: lineOf(lines, '', rawSection), message: `key "${rawSection}" is outside any section; ignored` });
      continue;
    }
    if (!known) {
      warnings.push({
        line: lineOf(lines, rawSection),
        message: `unknown section [${rawSection}] ignored (known: ${Object.keys(SCHEMA).map((s) => `[${s}]`).join(' ')})`,
      });
      continue;
    }
    for (const [rawKey, rawValue] of Object.entries(body as Record<string, unknown>)) {
      const key = rawKey.toUpperCase();
      const spec = known[key];
      if (!spec) {
        warnings.push({
          line: lineOf(lines, rawSection, rawKey),
          message: `unknown key ${rawKey} in [${rawSection}] ignored (known: ${Object.keys(known).join(', ')})`,
        });
        continue;
      }
      const value = typeof rawValue === 'string' ? rawValue.trim() : String(rawValue);
      if (value === '') continue;
      if (spec.secret) {
        secretKeys.push(`[${section}] ${key}`);
        if (options.secrets) (secrets[section] ??= {})[key] = value;
      } else {
        (values[section] ??= {})[key] = value;
      }
    }
  }
  if (secretKeys.length > 0 && (mode & 0o044) !== 0) {
    warnings.push({
      message: `holds secrets (${secretKeys.join(', ')}) but is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod 600 ${file}`,
    });
  }
  return { file, values, secrets, warnings };
}

/** "dwh.cfg:3: unknown key …" lines for printing. */
export function formatIssues(config: DwhConfig): string[] {
  return config.warnings.map((w) => `${config.file}${w.line ? `:${w.line}` : ''}: ${w.message}`);
}

/**
 * The source of the [S3] section: the three dwh.cfg URLs as an s3 source (or a local one, when
 * they are directories). Undefined without LOG_DATA and SONG_DATA.
 */
export function sourceFromConfig(config: DwhConfig, region?: string): SourceRef | undefined {
  const s3 = config.values.S3 ?? {};
  if (s3.LOG_DATA === undefined && s3.SONG_DATA === undefined) return undefined;
  const locations = [s3.LOG_DATA, s3.SONG_DATA].filter((v): v is string => v !== undefined);
  const isS3 = locations.every((l) => /^s3:\/\//i.test(l));
  if (!isS3 && locations.some((l) => /^s3:\/\//i.test(l))) {
    throw new DwhConfigError(config.file, '[S3] LOG_DATA and SONG_DATA must both be s3:// URLs or both be directories');
  }
  const ref: SourceRef = { type: isS3 ? 's3' : 'local' };
  if (s3.LOG_DATA !== undefined) ref.logData = s3.LOG_DATA;
  if (s3.SONG_DATA !== undefined) ref.songData = s3.SONG_DATA;
  if (s3.LOG_JSONPATH !== undefined) ref.logJsonPath = s3.LOG_JSONPATH;
  const configuredRegion = region ?? config.values.AWS?.REGION ?? config.values.DWH?.DWH_REGION;
  if (isS3 && configuredRegion !== undefined) ref.region = configuredRegion;
  return ref;
}

/** Static AWS keys of the [AWS] section (needs `secrets: true`). */
export function awsCredentialsFromConfig(config: DwhConfig): { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | undefined {
  const key = config.values.AWS?.KEY;
  const secret = config.secrets.AWS?.SECRET;
  if (key === undefined && secret === undefined) return undefined;
  if (key === undefined || secret === undefined) {
    throw new DwhConfigError(config.file, '[AWS] needs both KEY and SECRET (or neither, to use the AWS default credential chain)');
  }
  const sessionToken = config.secrets.AWS?.SESSION_TOKEN;
  return sessionToken === undefined ? { accessKeyId: key, secretAccessKey: secret } : { accessKeyId: key, secretAccessKey: secret, sessionToken };
}

/**
 * postgres://… for the `postgres` provider from [CLUSTER] (HOST, DB_PORT, DB_NAME, DB_USER,
 * DB_PASSWORD; Redshift speaks the PostgreSQL protocol). Undefined without HOST.
 */
export function postgresUrlFromConfig(config: DwhConfig): string | undefined {
  const cluster = config.values.CLUSTER ?? {};
  if (cluster.HOST === undefined) return undefined;
  const missing = ['DB_NAME', 'DB_USER'].filter((k) => cluster[k] === undefined);
  if (missing.length > 0) throw new DwhConfigError(config.file, `[CLUSTER] has HOST but no ${missing.join(', ')}`);
  const port = cluster.DB_PORT ?? '5439';
  if (!/^\d+$/.test(port)) throw new DwhConfigError(config.file, `[CLUSTER] DB_PORT must be a number, got "${port}"`);
  const password = config.secrets.CLUSTER?.DB_PASSWORD;
  const login = encodeURIComponent(cluster.DB_USER) + (password === undefined ? '' : `:${encodeURIComponent(password)}`);
  const host = cluster.HOST.includes(':') ? `[${cluster.HOST}]` : cluster.HOST;
  return `postgres://${login}@${host}:${port}/${encodeURIComponent(cluster.DB_NAME)}`;
}
