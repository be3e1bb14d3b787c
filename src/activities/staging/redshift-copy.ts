/**
 * Staging on Redshift: one COPY from S3 per partition, through the Data API. The activity lists
 * the partition's files, writes a manifest naming exactly those objects, and runs
 * sql/redshift/staging/<kind>.sql as one batch (one transaction that replaces the partition's
 * rows, rejections and progress). The batch's statement id goes into the heartbeat details as
 * soon as it is known: an attempt that replaces a dead one waits on that statement instead of
 * running a second COPY.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CopyStagingInput, CopyStagingResult, StagingKind } from '../../contract';
import { KIND_DIRECTORIES, parseS3Url, s3Locations, s3Url } from '../../contract/source-location';
import { configurationError } from '../../config/errors';
import { REDSHIFT_ENV, redshiftSettings } from '../../config/redshift-settings';
import { openSource } from '../../sources';
import { partitionOf } from '../../sources/partition';
import { s3Client } from '../../sources/s3-client';
import type { SourceFile } from '../../sources/source';
import { awsFailure } from '../../warehouse/redshift/aws-errors';
import type { StatementHooks } from '../../warehouse/redshift/data-api';
import { redshiftSql, type RedshiftSql } from '../../warehouse/redshift/sql-runner';
import { sqlStatements } from '../../warehouse/sql-files';

/**
 * COPY stops at this many rejected rows; Redshift's maximum. The workflow applies the run's own
 * maxErrors to the recorded rejections afterwards, as for PostgreSQL, so a COPY never aborts
 * before every rejection is recorded.
 */
export const COPY_MAX_ERRORS = 100_000;

/** Heartbeat details of a Redshift staging attempt: the batch it submitted, if any. */
export interface RedshiftStagingDetails {
  statementId?: string;
  progress?: string;
}

/** The manifest Redshift's COPY reads: every object listed, each one required to exist. */
export function copyManifest(urls: string[]): string {
  return JSON.stringify({ entries: urls.map((url) => ({ url, mandatory: true })) }, null, 2) + '\n';
}

function invalidInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'InvalidInput', nonRetryable: true });
}

/** The statements of one partition's COPY batch, from the template, with every value checked. */
export function stagingBatch(kind: StagingKind, input: CopyStagingInput, files: SourceFile[], options: { manifestUrl: string; iamRole: string; region: string }): string[] {
  const location = s3Locations(input.source)[kind];
  if (!location) throw invalidInput(`the source has no location for ${kind}`);
  const literals: Record<string, string> = {
    manifest: options.manifestUrl,
    iam_role: options.iamRole,
    region: options.region,
    relative_prefix: `${KIND_DIRECTORIES[kind]}/`,
    last_file: files[files.length - 1].path,
  };
  if (kind === 'events') {
    if (!input.source.logJsonPath) throw invalidInput('staging events on Redshift needs source.logJsonPath (dwh.cfg [S3] LOG_JSONPATH): the JSONPaths file COPY maps the log fields with');
    literals.json_paths = input.source.logJsonPath;
  }
  return sqlStatements(`redshift/staging/${kind}.sql`, {}, {
    literals,
    integers: {
      partitions: input.partitions,
      partition: input.partition,
      max_errors: COPY_MAX_ERRORS,
      url_prefix_chars: s3Url(location).length,
      files: files.length,
      bytes: files.reduce((sum, f) => sum + f.size, 0),
    },
  });
}

/** The settings a COPY from S3 needs, after checking the input and the configuration. */
export function copySettings(input: CopyStagingInput): { iamRole: string; manifestPrefix: string; region: string; pollMs: number } {
  const { partitions, partition } = input;
  if (!Number.isInteger(partitions) || partitions < 1 || !Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw invalidInput(`invalid staging partition ${partition} of ${partitions} (need integers with 0 <= partition < partitions)`);
  }
  if (input.source.type !== 's3') throw invalidInput(`Redshift's COPY reads S3: the source must be s3://…, got a ${input.source.type} source`);
  const settings = redshiftSettings();
  if (!settings.iamRole) throw configurationError(REDSHIFT_ENV.iamRole, 'is not set (the role COPY assumes to read S3; dwh.cfg [IAM_ROLE] ARN)');
  if (!settings.manifestPrefix) throw configurationError(REDSHIFT_ENV.manifestPrefix, 'is not set (s3://bucket/prefix where the COPY manifests are written)');
  const region = input.source.region ?? settings.region ?? process.env.AWS_REGION ?? 'us-west-2';
  return { iamRole: settings.iamRole, manifestPrefix: settings.manifestPrefix, region, pollMs: settings.pollMs };
}

/** Writes a COPY manifest object naming `urls`. */
export async function putManifest(region: string, bucket: string, key: string, urls: string[]): Promise<void> {
  try {
    await s3Client({ region }).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: copyManifest(urls), ContentType: 'application/json' }));
  } catch (err) {
    throw awsFailure(err, `writing the COPY manifest s3://${bucket}/${key}`);
  }
}

export async function stageFromS3(kind: StagingKind, input: CopyStagingInput): Promise<CopyStagingResult> {
  const { partitions, partition } = input;
  const settings = copySettings(input);
  const ctx = Context.current();
  const doing = `staging ${kind} partition ${partition}/${partitions} into ${input.warehouse.schema} on Redshift`;

  const earlier = (ctx.info.heartbeatDetails ?? {}) as RedshiftStagingDetails;
  let statementId = earlier.statementId;
  const beat = (progress: string): void => ctx.heartbeat({ statementId, progress } satisfies RedshiftStagingDetails);

  // The partition's files, exactly; the manifest pins them for COPY.
  const source = await openSource(input.source);
  const files: SourceFile[] = [];
  for await (const file of source.files(kind)) {
    if (partitionOf(file.path, partitions) === partition) files.push(file);
  }
  const empty: CopyStagingResult = { kind, partition, filesDone: 0, linesRead: 0, rowsLoaded: 0, rowsRejected: 0, bytesRead: 0 };
  if (files.length === 0) return empty;

  const manifestLocation = parseS3Url(settings.manifestPrefix, REDSHIFT_ENV.manifestPrefix);
  const manifestKey = `${manifestLocation.prefix}${input.warehouse.schema}/${kind}-${partition}-of-${partitions}.manifest`;
  const manifestUrl = `s3://${manifestLocation.bucket}/${manifestKey}`;
  const region = settings.region;
  const statements = stagingBatch(kind, input, files, { manifestUrl, iamRole: settings.iamRole, region });
  if (!statementId) {
    // Written before the batch; a resumed attempt's batch has read it already.
    try {
      await s3Client({ region }).send(new PutObjectCommand({ Bucket: manifestLocation.bucket, Key: manifestKey, Body: copyManifest(files.map((f) => source.describe(f.path))), ContentType: 'application/json' }));
    } catch (err) {
      throw awsFailure(err, `writing the COPY manifest ${manifestUrl}`);
    }
  }

  const sql = redshiftSql(input.warehouse);
  const file = `redshift/staging/${kind}.sql`;
  beat(statementId ? `resuming Data API statement ${statementId}` : 'submitting the COPY batch');
  await sql.batch({ file, statements }, {
    heartbeat: beat,
    sleep: (ms) => ctx.sleep(ms),
    submitted: (id) => {
      statementId = id;
      beat(`submitted Data API statement ${id}`);
    },
  }, statementId);

  return committedProgress(sql, kind, input, doing, { heartbeat: beat, sleep: (ms) => ctx.sleep(ms), submitted: () => undefined });
}

/** What the partition's progress row says was committed (read after its batch or batches). */
export async function committedProgress(sql: RedshiftSql, kind: StagingKind, input: CopyStagingInput, doing: string, hooks: StatementHooks): Promise<CopyStagingResult> {
  const { partitions, partition } = input;
  const progressFile = 'redshift/staging/progress.sql';
  const rows = await sql.rows({
    file: progressFile,
    statements: sqlStatements(progressFile, {}, { literals: { staging: kind }, integers: { partitions, partition } }),
  }, hooks);
  if (rows.length !== 1) {
    throw ApplicationFailure.create({ message: `${doing}: the batch committed but staging_progress has ${rows.length} rows for the partition`, type: 'StagingConflict' });
  }
  const row = rows[0];
  return {
    kind,
    partition,
    filesDone: Number(row.files_done),
    linesRead: Number(row.lines_read),
    rowsLoaded: Number(row.rows_loaded),
    rowsRejected: Number(row.rows_rejected),
    bytesRead: Number(row.bytes_read),
  };
}
