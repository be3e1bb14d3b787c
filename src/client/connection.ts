/**
 * Where Temporal is and how to authenticate, from the environment. The same settings serve the
 * client (CLI) and the worker. The API key and TLS key material are read here and handed to the
 * SDK only; nothing in this module prints them, and `describeTemporal` shows only safe fields.
 *
 *   TEMPORAL_ADDRESS                    host:port (default localhost:7233)
 *   TEMPORAL_NAMESPACE                  namespace (default "default")
 *   TEMPORAL_TASK_QUEUE                 task queue (default "sparkify")
 *   TEMPORAL_API_KEY                    Temporal Cloud API key (implies TLS)
 *   TEMPORAL_TLS                        "true" to use TLS without client certificates
 *   TEMPORAL_TLS_CLIENT_CERT_PATH       mTLS client certificate (PEM); needs ..._KEY_PATH too
 *   TEMPORAL_TLS_CLIENT_KEY_PATH        mTLS client private key (PEM)
 *   TEMPORAL_TLS_SERVER_CA_CERT_PATH    CA of a server whose certificate the OS does not trust
 *   TEMPORAL_TLS_SERVER_NAME            TLS server name override (SNI)
 */
import * as fs from 'node:fs';
import { Connection } from '@temporalio/client';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import { NativeConnection } from '@temporalio/worker';

export const DEFAULT_ADDRESS = 'localhost:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TASK_QUEUE = 'sparkify';

export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** A bad setting in the environment (a user error: shown as one line, without a stack). */
export class TemporalConfigError extends Error {
  override name = 'TemporalConfigError';
}

function readPem(variable: string, env: NodeJS.ProcessEnv): Buffer {
  const file = env[variable];
  if (!file) throw new TemporalConfigError(`${variable} is not set`);
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new TemporalConfigError(`${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** Reads the settings; `overrides` (e.g. from CLI flags or an in-process devserver) win over env. */
export function temporalSettings(
  overrides: Partial<Pick<TemporalSettings, 'address' | 'namespace' | 'taskQueue'>> = {},
  env: NodeJS.ProcessEnv = process.env,
): TemporalSettings {
  const settings: TemporalSettings = {
    address: overrides.address ?? (env.TEMPORAL_ADDRESS || DEFAULT_ADDRESS),
    namespace: overrides.namespace ?? (env.TEMPORAL_NAMESPACE || DEFAULT_NAMESPACE),
    taskQueue: overrides.taskQueue ?? (env.TEMPORAL_TASK_QUEUE || DEFAULT_TASK_QUEUE),
  };
  // An in-process devserver passes its own address: the env's credentials are not for it.
  if (overrides.address !== undefined) return settings;

  const hasCert = Boolean(env.TEMPORAL_TLS_CLIENT_CERT_PATH);
  const hasKey = Boolean(env.TEMPORAL_TLS_CLIENT_KEY_PATH);
  if (hasCert !== hasKey) {
    throw new TemporalConfigError(
      'TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together',
    );
  }
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const wantsTls =
    hasCert || Boolean(apiKey) || env.TEMPORAL_TLS === 'true' || Boolean(env.TEMPORAL_TLS_SERVER_CA_CERT_PATH);
  if (wantsTls) {
    const tls: TLSConfig = {};
    if (hasCert) {
      tls.clientCertPair = {
        crt: readPem('TEMPORAL_TLS_CLIENT_CERT_PATH', env),
        key: readPem('TEMPORAL_TLS_CLIENT_KEY_PATH', env),
      };
    }
    if (env.TEMPORAL_TLS_SERVER_CA_CERT_PATH) {
      tls.serverRootCACertificate = readPem('TEMPORAL_TLS_SERVER_CA_CERT_PATH', env);
    }
    if (env.TEMPORAL_TLS_SERVER_NAME) tls.serverNameOverride = env.TEMPORAL_TLS_SERVER_NAME;
    settings.tls = tls;
  }
  if (apiKey) settings.apiKey = apiKey;
  return settings;
}

/** For logs and error messages: never includes the key or certificates. */
export function describeTemporal(settings: TemporalSettings): string {
  const auth = settings.apiKey ? ', API key' : settings.tls?.clientCertPair ? ', mTLS' : settings.tls ? ', TLS' : '';
  return `${settings.address} (namespace ${settings.namespace}${auth})`;
}

/** A client connection (for starting, querying and awaiting workflows). */
export async function connectClient(settings: TemporalSettings): Promise<Connection> {
  try {
    return await Connection.connect({
      address: settings.address,
      tls: settings.tls,
      apiKey: settings.apiKey,
      connectTimeout: '10 seconds',
    });
  } catch (err) {
    throw new TemporalConfigError(`cannot reach Temporal at ${describeTemporal(settings)}: ${firstLine(err)}`);
  }
}

/** A worker connection (Rust core). */
export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  try {
    return await NativeConnection.connect({ address: settings.address, tls: settings.tls, apiKey: settings.apiKey });
  } catch (err) {
    throw new TemporalConfigError(`cannot reach Temporal at ${describeTemporal(settings)}: ${firstLine(err)}`);
  }
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}
