/**
 * Staging on Redshift: the real copyStagingEvents/copyStagingSongs activities with the source
 * and the manifest on a real S3 (s3rver) and only the Redshift Data API mocked
 * (aws-sdk-client-mock), answering as Redshift documents: a statement id, then SUBMITTED /
 * STARTED / FINISHED or FAILED from DescribeStatement.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  type BatchExecuteStatementCommandInput,
} from '@aws-sdk/client-redshift-data';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mockClient } from 'aws-sdk-client-mock';
import * as activities from '../../src/activities';
import type { CopyStagingInput, CopyStagingResult, WarehouseHandle } from '../../src/contract';
import { partitionOf } from '../../src/sources/partition';
import { startS3ForTests, type S3ForTests } from '../helpers/s3';
import { eventLine, runIn, songFile } from './support';

const data = mockClient(RedshiftDataClient);
const ROLE = 'arn:aws:iam::123456789012:role/dwhRole';
const warehouse: WarehouseHandle = { provider: 'redshift', warehouseId: 'w1', host: 'c.abc.us-west-2.redshift.amazonaws.com', port: 5439, database: 'dwh', user: 'dwhuser', schema: 'sparkify_w1' };

let s3: S3ForTests;
const saved = { ...process.env };
const EVENT_FILES = ['2018/11/2018-11-01-events.json', '2018/11/2018-11-02-events.json', '2018/11/2018-11-03-events.json', '2018/11/2018-11-04-events.json'];

beforeAll(async () => {
  s3 = await startS3ForTests();
  await s3.createBucket('sparkify-in');
  await s3.createBucket('sparkify-manifests');
  for (const file of EVENT_FILES) await s3.put('sparkify-in', `logs/${file}`, eventLine({ ts: 1541903636796 }) + '\n');
  await s3.put('sparkify-in', 'songs/A/TRA.json', songFile({}));
  await s3.put('sparkify-in', 'meta/log_json_path.json', '{"jsonpaths": []}');
  Object.assign(process.env, {
    SPARKIFY_REDSHIFT_CLUSTER_ID: 'sparkify-test',
    SPARKIFY_REDSHIFT_IAM_ROLE: ROLE,
    SPARKIFY_REDSHIFT_MANIFEST_PREFIX: 's3://sparkify-manifests/copy/',
    SPARKIFY_REDSHIFT_POLL_MS: '10',
  });
}, 60_000);

afterAll(async () => {
  await s3?.stop();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  data.restore();
});

const source = { type: 's3', logData: 's3://sparkify-in/logs', songData: 's3://sparkify-in/songs', logJsonPath: 's3://sparkify-in/meta/log_json_path.json', region: 'us-west-2' } as const;
const input = (partition: number, partitions = 2): CopyStagingInput => ({ warehouse, source, partition, partitions });

/** A Data API whose batch runs `runningPolls` polls before it ends as `end`; the progress row read back. */
function scriptDataApi(options: { runningPolls: number; end?: 'FINISHED' | 'FAILED'; error?: string; progress?: Record<string, number | string> }): { polls: () => number } {
  data.reset();
  let polls = 0;
  // The COPY batch and the progress read are both batches after SET search_path.
  data.on(BatchExecuteStatementCommand).callsFake((request: BatchExecuteStatementCommandInput) => ({ Id: request.Sqls!.some((q) => q.startsWith('SELECT files_done')) ? 'progress-1' : 'batch-1' }));
  data.on(DescribeStatementCommand, { Id: 'progress-1' }).resolves({
    Id: 'progress-1', Status: 'FINISHED',
    SubStatements: [{ Id: 'progress-1:1', Status: 'FINISHED' }, { Id: 'progress-1:2', Status: 'FINISHED', HasResultSet: true, ResultRows: 1 }],
  });
  data.on(DescribeStatementCommand, { Id: 'batch-1' }).callsFake(() => {
    polls++;
    if (polls <= options.runningPolls) return { Id: 'batch-1', Status: polls === 1 ? 'SUBMITTED' : 'STARTED' };
    if (options.end === 'FAILED') {
      // SET search_path, DELETE, DELETE, CREATE TEMPORARY TABLE, then the COPY fails.
      const done = (n: number) => ({ Id: `batch-1:${n}`, Status: 'FINISHED' as const });
      return { Id: 'batch-1', Status: 'FAILED', Error: options.error, SubStatements: [done(1), done(2), done(3), done(4), { Id: 'batch-1:5', Status: 'FAILED', Error: options.error }] };
    }
    return { Id: 'batch-1', Status: 'FINISHED' };
  });
  const p = options.progress ?? { files_done: 2, last_file: 'x', lines_read: 5, rows_loaded: 4, rows_rejected: 1, bytes_read: 123 };
  const names = Object.keys(p);
  data.on(GetStatementResultCommand, { Id: 'progress-1:2' }).resolves({
    ColumnMetadata: names.map((name) => ({ name })),
    Records: [names.map((n) => (typeof p[n] === 'number' ? { longValue: p[n] as number } : { stringValue: p[n] as string }))],
    TotalNumRows: 1,
  });
  return { polls: () => polls };
}

/** The COPY batches submitted (the progress reads left out). */
function batchCalls(): BatchExecuteStatementCommandInput[] {
  return data.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input).filter((b) => b.Sqls!.some((q) => q.startsWith('COPY')));
}

describe('copyStagingEvents on Redshift', () => {
  it('writes a manifest of exactly the partition\'s objects and runs one COPY batch, keeping its statement id in the heartbeat', async () => {
    const api = scriptDataApi({ runningPolls: 3 });
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    const result = await runIn(env, activities.copyStagingEvents, input(1));
    expect(result).toEqual({ kind: 'events', partition: 1, filesDone: 2, linesRead: 5, rowsLoaded: 4, rowsRejected: 1, bytesRead: 123 } satisfies CopyStagingResult);
    expect(api.polls()).toBe(4);

    // The partition's files, by the pipeline's partitioning, computed here from the list.
    const mine = EVENT_FILES.filter((f) => partitionOf(`log_data/${f}`, 2) === 1);
    expect(mine.length).toBeGreaterThan(0);
    const manifest = await s3.client.send(new GetObjectCommand({ Bucket: 'sparkify-manifests', Key: 'copy/sparkify_w1/events-1-of-2.manifest' }));
    expect(JSON.parse(await manifest.Body!.transformToString())).toEqual({ entries: mine.map((f) => ({ url: `s3://sparkify-in/logs/${f}`, mandatory: true })) });

    expect(batchCalls()).toHaveLength(1);
    const batch = batchCalls()[0];
    expect(batch).toMatchObject({ ClusterIdentifier: 'sparkify-test', Database: 'dwh', DbUser: 'dwhuser' });
    // Each Data API call is a session of its own: the batch names the warehouse's schema first.
    expect(batch.Sqls![0]).toBe('SET search_path TO sparkify_w1');
    const copy = batch.Sqls!.find((s) => s.startsWith('COPY'))!;
    expect(copy).toContain("FROM 's3://sparkify-manifests/copy/sparkify_w1/events-1-of-2.manifest'");
    expect(copy).toContain(`IAM_ROLE '${ROLE}'`);
    expect(copy).toContain("REGION 'us-west-2'");
    expect(copy).toContain("FORMAT AS JSON 's3://sparkify-in/meta/log_json_path.json'");
    expect(copy).toContain('MAXERROR 100000');
    expect(batch.Sqls!.some((s) => s.includes("'log_data/' || SUBSTRING(TRIM(e.filename), 22 + 1)"))).toBe(true);
    expect(batch.Sqls!.filter((s) => /^DELETE FROM staging_events WHERE partitions = 2 AND partition_no = 1$/.test(s))).toHaveLength(1);
    expect(beats).toContainEqual({ statementId: 'batch-1', progress: 'submitted Data API statement batch-1' });
    expect(beats).toContainEqual(expect.objectContaining({ statementId: 'batch-1', progress: expect.stringMatching(/^sql\/redshift\/staging\/events\.sql: started/) }));
  });

  it('a retried attempt whose predecessor left a COPY running waits on that statement id and submits no second COPY', async () => {
    const api = scriptDataApi({ runningPolls: 2 });
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { statementId: 'batch-1', progress: 'sql/redshift/staging/events.sql: started (40 s)' } });
    const result = await runIn(env, activities.copyStagingEvents, input(1));
    expect(result.rowsLoaded).toBe(4);
    expect(api.polls()).toBe(3);
    expect(batchCalls()).toHaveLength(0);
    expect(data.commandCalls(DescribeStatementCommand, { Id: 'batch-1' }).length).toBe(3);
  });

  it('fails a SQL error without retrying, naming the statement of the SQL file and the Data API statement', async () => {
    scriptDataApi({ runningPolls: 1, end: 'FAILED', error: "ERROR: Load into table 'staging_events_load' failed. Check 'stl_load_errors' system table for details." });
    const failure = await runIn(new MockActivityEnvironment(), activities.copyStagingEvents, input(0)).catch((err: unknown) => err);
    expect(failure).toMatchObject({
      type: 'WarehouseSql',
      nonRetryable: true,
      message: "Redshift SQL error in statement 4 of sql/redshift/staging/events.sql (Data API statement batch-1): ERROR: Load into table 'staging_events_load' failed. Check 'stl_load_errors' system table for details.",
    });
  });

  it('stages songs with JSON \'auto\' and refuses a source that is not in S3', async () => {
    scriptDataApi({ runningPolls: 0 });
    await runIn(new MockActivityEnvironment(), activities.copyStagingSongs, input(partitionOf('song_data/A/TRA.json', 2)));
    const copy = batchCalls()[0].Sqls!.find((s) => s.startsWith('COPY'))!;
    expect(copy).toMatch(/^COPY staging_songs_load \(num_songs, artist_id, .*\)\nFROM 's3:\/\/sparkify-manifests\/copy\/sparkify_w1\/songs-\d-of-2\.manifest'/);
    expect(copy).toContain("FORMAT AS JSON 'auto'");
    await expect(runIn(new MockActivityEnvironment(), activities.copyStagingSongs, { ...input(0), source: { type: 'local', path: '/tmp' } })).rejects.toMatchObject({
      type: 'InvalidInput',
      message: "Redshift's COPY reads S3: the source must be s3://…, got a local source",
    });
  });
});
