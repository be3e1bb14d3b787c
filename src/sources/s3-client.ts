import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as http from 'node:http';
import * as https from 'node:https';

/** Process-local settings of the S3 clients; never part of a workflow input. */
export interface S3Settings {
  /** Static keys (from dwh.cfg [AWS] KEY/SECRET); otherwise the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** A region used when the SourceRef names none (dwh.cfg [AWS] REGION). */
  region?: string;
}

let settings: S3Settings = {};
const clients = new Map<string, S3Client>();

/**
 * Sets this process's S3 settings (the worker does, from its own --config file). Clients made
 * before are dropped so the next request uses the new settings.
 */
export function configureS3(next: S3Settings): void {
  settings = { ...next };
  for (const client of clients.values()) client.destroy();
  clients.clear();
}

/** This process's AWS settings, for the other AWS clients it makes (Redshift, IAM). */
export function awsSettings(): Readonly<S3Settings> {
  return settings;
}

/** Concurrent connections per client: song staging keeps this many small GETs in flight. */
export const S3_MAX_SOCKETS = 64;

/**
 * AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL: an S3-compatible store (MinIO, Ceph, LocalStack,
 * s3rver). Those are addressed path-style (http://host/bucket/key), which they all understand.
 */
export function s3Endpoint(): string | undefined {
  for (const name of ['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** Signs nothing: for public buckets (--no-sign-request). */
const unsigned = {
  schemeId: 'smithy.api#noAuth',
  identityProvider: () => async () => ({}),
  signer: { sign: async <T>(request: T) => request },
};

/** One client per (region, anonymous, endpoint) in this process, so connections are reused. */
export function s3Client(options: { region?: string; anonymous?: boolean }): S3Client {
  const region = options.region ?? settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const endpoint = s3Endpoint();
  const key = JSON.stringify([region ?? '', options.anonymous === true, endpoint ?? '']);
  let client = clients.get(key);
  if (client) return client;
  const agent = { keepAlive: true, maxSockets: S3_MAX_SOCKETS };
  const config: S3ClientConfig = {
    // Without any region setting the SDK would fail; us-east-1 is where S3 answers for any bucket.
    region: region ?? 'us-east-1',
    followRegionRedirects: true,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent(agent),
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
    }),
  };
  if (endpoint !== undefined) {
    config.endpoint = endpoint;
    config.forcePathStyle = true;
  }
  if (options.anonymous) {
    config.httpAuthSchemes = [unsigned] as unknown as S3ClientConfig['httpAuthSchemes'];
    config.httpAuthSchemeProvider = (() => [{ schemeId: 'smithy.api#noAuth' }]) as unknown as S3ClientConfig['httpAuthSchemeProvider'];
  } else if (settings.credentials) {
    config.credentials = settings.credentials;
  }
  client = new S3Client(config);
  clients.set(key, client);
  return client;
}
