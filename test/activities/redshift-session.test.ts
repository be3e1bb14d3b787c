/**
 * The warehouse activities on Redshift through the Data API (mocked with aws-sdk-client-mock,
 * answering as Redshift documents): a transform keeps its batch's statement id in the heartbeat
 * details, and an attempt that replaces a dead one waits on that statement instead of running the
 * transform again; a SQL error names the file of the statement that failed; a cancelled activity
 * cancels its statement.
 */
import {
  BatchExecuteStatementCommand,
  CancelStatementCommand,
  DescribeStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mockClient } from 'aws-sdk-client-mock';
import * as activities from '../../src/activities';
import type { WarehouseHandle } from '../../src/contract';
import { runIn } from './support';

const data = mockClient(RedshiftDataClient);
const warehouse: WarehouseHandle = { provider: 'redshift', warehouseId: 'w1', host: 'c.abc.us-west-2.redshift.amazonaws.com', port: 5439, database: 'dwh', user: 'dwhuser', schema: 'sparkify_w1' };
const FILES = 'queries/read_staging_epoch.sql + transforms/songplays.sql';
const saved = { ...process.env };

beforeAll(() => {
  Object.assign(process.env, { SPARKIFY_REDSHIFT_CLUSTER_ID: 'sparkify-test', SPARKIFY_REDSHIFT_POLL_MS: '10', AWS_REGION: 'us-west-2' });
});
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
  data.restore();
});

/** The transform's batch (SET, epoch read, DELETE, INSERT) as `batch-1`, running `runningPolls` polls, then `end`. */
function scriptTransform(runningPolls: number, end: { status: 'FINISHED' } | { status: 'FAILED'; failedSub: number; error: string } = { status: 'FINISHED' }): { polls: () => number } {
  data.reset();
  let polls = 0;
  data.on(BatchExecuteStatementCommand).resolves({ Id: 'batch-1' });
  data.on(DescribeStatementCommand, { Id: 'batch-1' }).callsFake(() => {
    polls++;
    if (polls <= runningPolls) return { Id: 'batch-1', Status: 'STARTED' };
    const sub = (n: number, rows: number, hasResultSet = false) => ({ Id: `batch-1:${n}`, Status: 'FINISHED' as const, ResultRows: rows, HasResultSet: hasResultSet });
    if (end.status === 'FAILED') {
      const subs = [1, 2, 3, 4].map((n) => (n < end.failedSub ? sub(n, 0) : n === end.failedSub ? { Id: `batch-1:${n}`, Status: 'FAILED' as const, Error: end.error } : { Id: `batch-1:${n}`, Status: 'ABORTED' as const }));
      return { Id: 'batch-1', Status: 'FAILED', Error: end.error, SubStatements: subs };
    }
    return { Id: 'batch-1', Status: 'FINISHED', SubStatements: [sub(1, 0), sub(2, 1, true), sub(3, 12), sub(4, 2542)] };
  });
  data.on(GetStatementResultCommand, { Id: 'batch-1:2' }).resolves({ ColumnMetadata: [{ name: 'epoch' }], Records: [[{ longValue: 1 }]], TotalNumRows: 1 });
  return { polls: () => polls };
}

describe('a transform on Redshift', () => {
  it('runs the epoch check and the transform as one batch, keeps its statement id in the heartbeat, and counts the INSERT\'s rows', async () => {
    const api = scriptTransform(2);
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await runIn(env, activities.insertSongplays, { warehouse })).toEqual({ table: 'songplays', rows: 2542 });
    expect(api.polls()).toBe(3);
    const sqls = data.commandCalls(BatchExecuteStatementCommand).map((c) => c.args[0].input.Sqls!);
    expect(sqls).toHaveLength(1);
    expect(sqls[0].map((s) => s.split(/\s+/).slice(0, 3).join(' '))).toEqual(['SET search_path TO', 'SELECT epoch FROM', 'DELETE FROM songplays', 'INSERT INTO songplays']);
    expect(beats).toContainEqual({ statement: { statementId: 'batch-1', files: FILES }, progress: 'submitted statement batch-1' });
    expect(beats).toContainEqual({ statement: { statementId: 'batch-1', files: FILES }, progress: expect.stringMatching(/^sql\/queries\/read_staging_epoch\.sql \+ transforms\/songplays\.sql: started/) });
  });

  it('an attempt after a dead one waits on its statement id and submits nothing', async () => {
    const api = scriptTransform(3);
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { statement: { statementId: 'batch-1', files: FILES }, progress: 'started' } });
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await runIn(env, activities.insertSongplays, { warehouse })).toEqual({ table: 'songplays', rows: 2542 });
    expect(data.commandCalls(BatchExecuteStatementCommand)).toHaveLength(0);
    expect(api.polls()).toBe(4);
    // The resumed id stays in this attempt's details, for a third attempt.
    expect(beats.every((d) => (d as { statement?: { statementId: string } }).statement?.statementId === 'batch-1')).toBe(true);
  });

  it('an earlier attempt\'s statement of another transaction is not waited on', async () => {
    scriptTransform(0);
    const env = new MockActivityEnvironment({ attempt: 2, heartbeatDetails: { statement: { statementId: 'other-1', files: 'queries/reset_staging.sql' } } });
    await runIn(env, activities.insertSongplays, { warehouse });
    expect(data.commandCalls(BatchExecuteStatementCommand)).toHaveLength(1);
    expect(data.commandCalls(DescribeStatementCommand).map((c) => c.args[0].input.Id)).not.toContain('other-1');
  });

  it('a SQL error names the file and statement that failed, and is not retried', async () => {
    scriptTransform(0, { status: 'FAILED', failedSub: 4, error: 'ERROR: column "x" does not exist' });
    await expect(runIn(new MockActivityEnvironment(), activities.insertSongplays, { warehouse })).rejects.toMatchObject({
      type: 'WarehouseSql',
      nonRetryable: true,
      message: 'Redshift SQL error in statement 2 of sql/transforms/songplays.sql (Data API statement batch-1): ERROR: column "x" does not exist',
    });
  });

  it('a cancelled activity cancels its statement and throws the cancellation', async () => {
    scriptTransform(1_000_000);
    data.on(CancelStatementCommand).resolves({ Status: true });
    const env = new MockActivityEnvironment();
    const running = runIn(env, activities.insertSongplays, { warehouse }).then(() => 'finished', (err: unknown) => err);
    while (data.commandCalls(DescribeStatementCommand).length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
    env.cancel();
    expect(await running).toBeInstanceOf(CancelledFailure);
    expect(data.commandCalls(CancelStatementCommand).map((c) => c.args[0].input)).toEqual([{ Id: 'batch-1' }]);
  });
});
