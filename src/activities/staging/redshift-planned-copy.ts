/**
 * Staging one partition of an incremental run on Redshift: exactly the files the plan wrote into
 * staging_files, each with its own COPY (a manifest with that one object), because Redshift's
 * COPY records no source file per row and the merge keys and counts rows by file. The files go
 * in batches (sql/redshift/incremental/staging/<kind>_begin.sql, <kind>_file.sql per file,
 * <kind>_end.sql), each one Data API batch and one transaction within its 40 statements; a batch
 * first deletes its files' rows and rejections, so one that runs again replaces them. Batches run
 * one after the other; the heartbeat details name the batch and its statement id, and an attempt
 * that replaces a dead one waits on that statement and goes on with the next batch.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { CopyStagingInput, CopyStagingResult, StagingKind } from '../../contract';
import { parseS3Url } from '../../contract/source-location';
import { REDSHIFT_ENV } from '../../config/redshift-settings';
import { openSource } from '../../sources';
import { MAX_BATCH_STATEMENTS, type StatementHooks } from '../../warehouse/redshift/data-api';
import { redshiftSql } from '../../warehouse/redshift/sql-runner';
import { sqlStatements, type SqlValues } from '../../warehouse/sql-files';
import { COPY_MAX_ERRORS, committedProgress, copySettings, putManifest } from './redshift-copy';

/** Heartbeat details: the batch submitted last (0-based) and its statement. */
export interface PlannedCopyDetails {
  batch?: number;
  statementId?: string;
  progress?: string;
}

/** A batch's statements with the SQL file each comes from (for errors naming the file). */
interface PlannedBatch {
  first: number;
  files: string[];
  statements: string[];
  origins: string[];
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: 'InvalidInput', nonRetryable: true });
}

/**
 * Packs the files into batches in path order: a batch's begin and end statements, the session's
 * SET search_path, and each file's statements, at most MAX_BATCH_STATEMENTS in all.
 */
export function plannedBatches(kind: StagingKind, paths: string[], fileValues: (path: string, index: number) => SqlValues, rangeValues: SqlValues['integers']): PlannedBatch[] {
  const begin = (first: string, last: string) => sqlStatements(`redshift/incremental/staging/${kind}_begin.sql`, {}, { integers: rangeValues, literals: { first_file: first, last_file: last } });
  const end = (last: string) => sqlStatements(`redshift/incremental/staging/${kind}_end.sql`, {}, { integers: rangeValues, literals: { last_file: last } });
  const fixed = 1 + begin('a', 'a').length + end('a').length;
  const batches: PlannedBatch[] = [];
  let current: { first: number; files: string[]; perFile: string[][] } | undefined;
  const close = (): void => {
    if (!current) return;
    const first = current.files[0];
    const last = current.files[current.files.length - 1];
    const head = begin(first, last);
    const tail = end(last);
    batches.push({
      first: current.first,
      files: current.files,
      statements: [...head, ...current.perFile.flat(), ...tail],
      origins: [
        ...head.map(() => `redshift/incremental/staging/${kind}_begin.sql`),
        ...current.perFile.flatMap((list) => list.map(() => `redshift/incremental/staging/${kind}_file.sql`)),
        ...tail.map(() => `redshift/incremental/staging/${kind}_end.sql`),
      ],
    });
    current = undefined;
  };
  paths.forEach((path, index) => {
    const statements = sqlStatements(`redshift/incremental/staging/${kind}_file.sql`, {}, fileValues(path, index));
    if (fixed + statements.length > MAX_BATCH_STATEMENTS) throw invalid(`sql/redshift/incremental/staging/${kind}_file.sql has too many statements for one Data API batch`);
    if (current && fixed + current.perFile.flat().length + statements.length > MAX_BATCH_STATEMENTS) close();
    current ??= { first: index, files: [], perFile: [] };
    current.files.push(path);
    current.perFile.push(statements);
  });
  close();
  return batches;
}

export async function stagePlannedFromS3(kind: StagingKind, input: CopyStagingInput): Promise<CopyStagingResult> {
  const { partitions, partition } = input;
  const settings = copySettings(input);
  const ctx = Context.current();
  const doing = `staging the planned ${kind} files of partition ${partition}/${partitions} into ${input.warehouse.schema} on Redshift`;
  const earlier = (ctx.info.heartbeatDetails ?? {}) as PlannedCopyDetails;
  const details: PlannedCopyDetails = { ...(earlier.batch !== undefined ? { batch: earlier.batch, statementId: earlier.statementId } : {}) };
  const beat = (progress: string): void => ctx.heartbeat({ ...details, progress } satisfies PlannedCopyDetails);
  const hooks: StatementHooks = { heartbeat: beat, sleep: (ms) => ctx.sleep(ms), submitted: () => undefined };

  const sql = redshiftSql(input.warehouse);
  const readFile = 'redshift/incremental/plan/read.sql';
  const planned = await sql.rows({ file: readFile, statements: sqlStatements(readFile, {}, { literals: { staging: kind }, integers: { partitions, partition } }) }, hooks);
  if (planned.length === 0) return { kind, partition, filesDone: 0, linesRead: 0, rowsLoaded: 0, rowsRejected: 0, bytesRead: 0 };

  const source = await openSource(input.source);
  const manifests = parseS3Url(settings.manifestPrefix, REDSHIFT_ENV.manifestPrefix);
  const manifestKey = (index: number): string => `${manifests.prefix}${input.warehouse.schema}/${kind}-${partition}-of-${partitions}/file-${index}.manifest`;
  if (kind === 'events' && !input.source.logJsonPath) {
    throw invalid('staging events on Redshift needs source.logJsonPath (dwh.cfg [S3] LOG_JSONPATH): the JSONPaths file COPY maps the log fields with');
  }
  const paths = planned.map((row) => String(row.path));
  const range = { partitions, partition };
  const batches = plannedBatches(kind, paths, (path, index) => ({
    literals: {
      manifest: `s3://${manifests.bucket}/${manifestKey(index)}`,
      iam_role: settings.iamRole,
      region: settings.region,
      file: path,
      ...(kind === 'events' ? { json_paths: input.source.logJsonPath! } : {}),
    },
    integers: { ...range, max_errors: COPY_MAX_ERRORS },
  }), range);

  for (let b = earlier.batch ?? 0; b < batches.length; b++) {
    const batch = batches[b];
    const resumeId = b === earlier.batch ? earlier.statementId : undefined;
    if (!resumeId) {
      // Written before the batch; a resumed batch has read them already.
      for (const [k, path] of batch.files.entries()) await putManifest(settings.region, manifests.bucket, manifestKey(batch.first + k), [source.describe(path)]);
    }
    beat(resumeId ? `resuming batch ${b + 1} of ${batches.length}: Data API statement ${resumeId}` : `submitting batch ${b + 1} of ${batches.length} (${batch.files.length} files)`);
    await sql.batch({ file: `redshift/incremental/staging/${kind}_*.sql`, statements: batch.statements, origins: batch.origins }, {
      ...hooks,
      submitted: (id) => {
        details.batch = b;
        details.statementId = id;
        beat(`submitted batch ${b + 1} of ${batches.length}: Data API statement ${id}`);
      },
    }, resumeId);
  }
  return committedProgress(sql, kind, input, doing, hooks);
}
