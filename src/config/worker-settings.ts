/**
 * What a process that runs activities takes from its own --config file: AWS keys and region for
 * the S3 source, the [CLUSTER] login for the postgres provider. Environment variables win over
 * the file (AWS_ACCESS_KEY_ID / AWS_PROFILE, AWS_REGION, SPARKIFY_POSTGRES_URL). Nothing here
 * leaves the process: no workflow input, no environment variable, no log line carries a value.
 */
import { configureS3 } from '../sources/s3-client';
import { awsCredentialsFromConfig, postgresUrlFromConfig, type DwhConfig } from './dwh-cfg';
import { ENV, setFileSetting } from './env';
import { useRedshiftConfig } from './redshift-settings';

/** What was taken from the file, by setting name (for a one-line notice; never values). */
export function useConfigInThisProcess(config: DwhConfig): string[] {
  const used: string[] = [];
  const envHasCredentials = ['AWS_ACCESS_KEY_ID', 'AWS_PROFILE', 'AWS_WEB_IDENTITY_TOKEN_FILE'].some((n) => process.env[n]);
  const credentials = envHasCredentials ? undefined : awsCredentialsFromConfig(config);
  const region = process.env.AWS_REGION ? undefined : config.values.AWS?.REGION ?? config.values.DWH?.DWH_REGION;
  configureS3({ credentials, region });
  if (credentials) used.push('[AWS] KEY/SECRET');
  if (region) used.push('region');
  const url = postgresUrlFromConfig(config);
  setFileSetting(ENV.postgresUrl, url);
  if (url && !process.env[ENV.postgresUrl]) used.push('[CLUSTER] for the postgres provider');
  used.push(...useRedshiftConfig(config));
  return used;
}
