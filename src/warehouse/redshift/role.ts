/**
 * The IAM role Redshift's COPY assumes to read S3 (`sparkify cluster create --create-role`), as
 * the Sparkify provisioning scripts make it: trusted by Redshift, allowed only to list and read
 * the configured buckets. Tagged as ours, so `cluster delete --create-role` removes only a role
 * this tool created.
 */
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetRoleCommand,
  PutRolePolicyCommand,
  type IAMClient,
  type Role,
} from '@aws-sdk/client-iam';
import { parseS3Url } from '../../contract/source-location';
import type { RedshiftSettings } from '../../config/redshift-settings';
import { awsErrorName, awsFailure } from './aws-errors';

export const DEFAULT_ROLE_NAME = 'sparkify-redshift-copy';
const POLICY_NAME = 'sparkify-s3-read';
const MANAGED_TAG = { Key: 'sparkify:managed', Value: 'true' };

/** Trust policy: only the Redshift service may assume the role. */
export function redshiftTrustPolicy(): object {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'redshift.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
}

/** S3 read-only on these buckets (every bucket when none is named). */
export function s3ReadPolicy(buckets: string[]): object {
  const all = buckets.length === 0;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ListTheBuckets', Effect: 'Allow', Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: all ? ['arn:aws:s3:::*'] : buckets.map((b) => `arn:aws:s3:::${b}`) },
      { Sid: 'ReadTheObjects', Effect: 'Allow', Action: ['s3:GetObject'], Resource: all ? ['arn:aws:s3:::*/*'] : buckets.map((b) => `arn:aws:s3:::${b}/*`) },
    ],
  };
}

async function getRole(iam: IAMClient, name: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
  } catch (err) {
    if (awsErrorName(err) === 'NoSuchEntityException' || awsErrorName(err) === 'NoSuchEntity') return undefined;
    throw awsFailure(err, `looking up IAM role ${name}`);
  }
}

/** The role's ARN, creating it (with its S3 read policy) unless it exists. */
export async function ensureCopyRole(iam: IAMClient, settings: RedshiftSettings, buckets: string[]): Promise<{ arn: string; created: boolean }> {
  const name = settings.roleName ?? DEFAULT_ROLE_NAME;
  // COPY also reads the manifests the activities write.
  const readable = [...buckets];
  if (settings.manifestPrefix) readable.push(parseS3Url(settings.manifestPrefix, 'SPARKIFY_REDSHIFT_MANIFEST_PREFIX').bucket);
  const existing = await getRole(iam, name);
  if (existing?.Arn) return { arn: existing.Arn, created: false };
  let arn: string | undefined;
  try {
    const created = await iam.send(
      new CreateRoleCommand({
        RoleName: name,
        Description: 'Lets Redshift COPY read the Sparkify input (created by sparkify cluster create --create-role)',
        AssumeRolePolicyDocument: JSON.stringify(redshiftTrustPolicy()),
        Tags: [MANAGED_TAG],
      }),
    );
    arn = created.Role?.Arn;
  } catch (err) {
    if (awsErrorName(err) !== 'EntityAlreadyExistsException' && awsErrorName(err) !== 'EntityAlreadyExists') throw awsFailure(err, `creating IAM role ${name}`);
    arn = (await getRole(iam, name))?.Arn;
  }
  try {
    await iam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: POLICY_NAME, PolicyDocument: JSON.stringify(s3ReadPolicy([...new Set(readable)])) }));
  } catch (err) {
    throw awsFailure(err, `attaching the S3 read policy to IAM role ${name}`);
  }
  if (!arn) throw awsFailure(new Error('IAM returned no role ARN'), `creating IAM role ${name}`);
  return { arn, created: true };
}

/** Removes the role when it carries our tag; false when there is none or it is not ours. */
export async function deleteManagedRole(iam: IAMClient, settings: RedshiftSettings): Promise<boolean> {
  const name = settings.roleName ?? DEFAULT_ROLE_NAME;
  const role = await getRole(iam, name);
  if (!role || !(role.Tags ?? []).some((t) => t.Key === MANAGED_TAG.Key && t.Value === MANAGED_TAG.Value)) return false;
  const ignoringMissing = async (send: () => Promise<unknown>): Promise<void> => {
    try {
      await send();
    } catch (err) {
      if (awsErrorName(err) !== 'NoSuchEntityException' && awsErrorName(err) !== 'NoSuchEntity') throw awsFailure(err, `removing IAM role ${name}`);
    }
  };
  await ignoringMissing(() => iam.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: POLICY_NAME })));
  await ignoringMissing(() => iam.send(new DeleteRoleCommand({ RoleName: name })));
  return true;
}
