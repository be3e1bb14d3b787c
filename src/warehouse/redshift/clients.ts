/**
 * The AWS clients of the Redshift provider, made with this process's credentials and region.
 * No endpoint is set here: the SDK reads AWS_ENDPOINT_URL_REDSHIFT, AWS_ENDPOINT_URL_REDSHIFT_DATA
 * and AWS_ENDPOINT_URL_IAM itself, so an emulator works without code for it.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import type { RedshiftSettings } from '../../config/redshift-settings';
import { awsSettings } from '../../sources/s3-client';

function common(settings: Pick<RedshiftSettings, 'region'>): { region: string; credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } } {
  const aws = awsSettings();
  const region = settings.region ?? aws.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-west-2';
  return aws.credentials ? { region, credentials: aws.credentials } : { region };
}

export function redshiftClient(settings: Pick<RedshiftSettings, 'region'>): RedshiftClient {
  return new RedshiftClient(common(settings));
}

export function redshiftDataClient(settings: Pick<RedshiftSettings, 'region'>): RedshiftDataClient {
  return new RedshiftDataClient(common(settings));
}

export function iamClient(settings: Pick<RedshiftSettings, 'region'>): IAMClient {
  return new IAMClient(common(settings));
}
