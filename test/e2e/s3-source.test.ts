/**
 * sparkifyEtl reading S3 (a real S3 HTTP server, s3rver) through the real workflow on the
 * devserver into the embedded warehouse: the same tables as the local-directory run, the
 * separate-prefix layout of dwh.cfg with its secrets kept out of history, an object deleted after
 * planning, a connection dropped mid-object, wrong credentials and a missing bucket.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { temporal as temporal_proto } from '@temporalio/proto';
import * as sparkifyActivities from '../../src/activities';
import { DEFAULT_STAGING_OPTIONS, stagePartition } from '../../src/activities/staging/stage-partition';
import { readDwhConfig, sourceFromConfig } from '../../src/config/dwh-cfg';
import { useConfigInThisProcess } from '../../src/config/worker-settings';
import type { CopyStagingInput, SourceRef, SparkifyEtlInput, SparkifyEtlResult, StagingPlanInput, WarehouseHandle } from '../../src/contract';
import { configureS3 } from '../../src/sources/s3-client';
import { sparkifyEtl } from '../../src/workflows';
import { startS3ForTests, S3RVER_KEY, type S3ForTests } from '../helpers/s3';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { dropKeptWarehouse, fixturePath, readExpected, STAR_TABLES, tableChecksum, useEtlTestSuite, queryWarehouse } from '../workflows/support';

// Each test runs the workflow once or twice (a PostgreSQL per run, a few hundred S3 GETs): ~10-30 s
// alone, several times that when other jobs share the two cores.
jest.setTimeout(240_000);

const FIXTURE = 'sparkify-small';
const expected = readExpected(FIXTURE);
const BUCKET = 'sparkify-e2e';
const TABLES = [...STAR_TABLES, 'staging_events', 'staging_songs', 'load_errors'];

const suite = useEtlTestSuite();
let s3: S3ForTests;
let localRun: { result: SparkifyEtlResult; sums: Record<string, string> };

beforeAll(async () => {
  s3 = await startS3ForTests();
  await s3.createBucket(BUCKET);
  const layout = (f: string) => f.startsWith('log_data/') || f.startsWith('song_data/');
  await s3.uploadDirectory(fixturePath(FIXTURE), BUCKET, 'root/', layout);
  await s3.uploadDirectory(path.join(fixturePath(FIXTURE), 'log_data'), BUCKET, 'udacity/log_data/');
  await s3.uploadDirectory(path.join(fixturePath(FIXTURE), 'song_data'), BUCKET, 'udacity/song_data/');
  await s3.put(BUCKET, 'udacity/log_json_path.json', fs.readFileSync(path.join(fixturePath(FIXTURE), 'log_json_path.json')));
}, 180_000);
afterAll(() => s3?.stop());

/** Bytes of the fixture's Sparkify files, counted without project code. */
function fixtureBytes(dir: string): number {
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) bytes += fixtureBytes(path.join(dir, entry.name));
    else if (entry.name.endsWith('.json')) bytes += fs.statSync(path.join(dir, entry.name)).size;
  }
  return bytes;
}

type Activities = Parameters<typeof suite.temporal.worker>[1] extends infer O ? (O extends { activities?: infer A } ? A : never) : never;

async function run(workflowId: string, input: SparkifyEtlInput, activities?: Activities): Promise<SparkifyEtlResult> {
  const taskQueue = suite.temporal.taskQueue('s3');
  const worker = await suite.temporal.worker(taskQueue, { activities });
  return worker.runUntil(suite.temporal.env.client.workflow.execute(sparkifyEtl, { taskQueue, workflowId, args: [input] }));
}

async function failure(workflowId: string, input: SparkifyEtlInput, activities?: Activities): Promise<{ type?: string; message: string; nonRetryable?: boolean }> {
  const err = await run(workflowId, input, activities).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  let cause = (err as WorkflowFailedError).cause as { cause?: unknown; type?: string; message: string; nonRetryable?: boolean } | undefined;
  while (cause?.cause) cause = cause.cause as typeof cause;
  return cause!;
}

async function checksums(handle: WarehouseHandle): Promise<Record<string, string>> {
  return queryWarehouse(handle, async (client) => {
    const sums: Record<string, string> = {};
    for (const table of TABLES) sums[table] = await tableChecksum(client, table);
    return sums;
  });
}

async function keptRun(workflowId: string, input: SparkifyEtlInput, activities?: Activities) {
  const result = await run(workflowId, { ...input, keepWarehouse: true }, activities);
  suite.keep(result.warehouse!);
  return { result, sums: await checksums(result.warehouse!) };
}

/** The result without what differs between two runs of the same data (times, ids, where from). */
function withoutTimes(result: SparkifyEtlResult): Partial<SparkifyEtlResult> {
  const rest: Partial<SparkifyEtlResult> = { ...result };
  for (const key of ['durationsMs', 'totalMs', 'warehouseId', 'warehouse', 'source'] as const) delete rest[key];
  return rest;
}

it('loads s3://bucket/prefix into the same tables as the local directory', async () => {
  localRun = await keptRun('s3-e2e-local', { source: { type: 'local', path: fixturePath(FIXTURE) } });
  const s3Run = await keptRun('s3-e2e-root', { source: { type: 's3', path: `s3://${BUCKET}/root` } });
  for (const [table, rows] of Object.entries(expected.tables)) expect({ table, rows: s3Run.result.tables[table] }).toEqual({ table, rows });
  expect(s3Run.sums).toEqual(localRun.sums);
  expect(withoutTimes(s3Run.result)).toEqual(withoutTimes(localRun.result));
  const bytes = fixtureBytes(path.join(fixturePath(FIXTURE), 'log_data')) + fixtureBytes(path.join(fixturePath(FIXTURE), 'song_data'));
  expect(s3Run.result.bytesRead).toBe(bytes);
  expect(s3Run.result.source).toEqual({ type: 's3', path: `s3://${BUCKET}/root` });
});

describe('with a dwh.cfg holding a password and AWS keys', () => {
  let postgres: TestPostgres;
  let dir: string;
  const secret = `aws-secret-${Math.random().toString(36).slice(2)}`;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    postgres = await startTestPostgres('s3cfg');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-cfg-'));
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'SPARKIFY_POSTGRES_URL']) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterAll(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    configureS3({});
    await postgres?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the separate [S3] prefixes, and neither secret reaches the history', async () => {
    const cfg = path.join(dir, 'dwh.cfg');
    const url = new URL(postgres.url);
    fs.writeFileSync(cfg, [
      '[CLUSTER]', `HOST=${url.hostname}`, `DB_NAME=${url.pathname.slice(1)}`, `DB_USER=${decodeURIComponent(url.username)}`,
      `DB_PASSWORD="${postgres.password}"`, `DB_PORT=${url.port}`, '',
      '[S3]', `LOG_DATA='s3://${BUCKET}/udacity/log_data'`, `LOG_JSONPATH='s3://${BUCKET}/udacity/log_json_path.json'`,
      `SONG_DATA='s3://${BUCKET}/udacity/song_data'`, '',
      '[AWS]', `KEY=${S3RVER_KEY}`, `SECRET=${secret}`, 'REGION=us-east-1', '',
    ].join('\n'), { mode: 0o600 });
    // What `worker --config` does in the worker's process, and what `run --config` puts in the input.
    const config = readDwhConfig(cfg, { secrets: true });
    expect(config.warnings).toEqual([]);
    useConfigInThisProcess(config);
    const source = sourceFromConfig(readDwhConfig(cfg, { secrets: false })) as SourceRef;

    const result = await run('s3-e2e-cfg', { source, warehouse: { provider: 'postgres' }, keepWarehouse: true });
    try {
      expect(result.warehouse).toMatchObject({ provider: 'postgres', host: url.hostname });
      expect(await checksums(result.warehouse!)).toEqual(localRun.sums);
    } finally {
      await dropKeptWarehouse(result.warehouse!); // before this block's server stops
    }

    const history = await suite.temporal.env.client.workflow.getHandle('s3-e2e-cfg').fetchHistory();
    const historyBytes = Buffer.from(temporal_proto.api.history.v1.History.encode(history).finish());
    expect(historyBytes.includes(`s3://${BUCKET}/udacity/song_data`)).toBe(true); // the search does see payloads
    expect(historyBytes.includes(postgres.password)).toBe(false);
    expect(historyBytes.includes(encodeURIComponent(postgres.password))).toBe(false);
    expect(historyBytes.includes(secret)).toBe(false);
    expect(historyBytes.includes(S3RVER_KEY)).toBe(false);
  });
});

it('fails a file deleted after planning, naming it', async () => {
  await s3.uploadDirectory(fixturePath(FIXTURE), BUCKET, 'deleted/', (f) => f.startsWith('log_data/') || f.startsWith('song_data/A/'));
  const songsA = path.join(fixturePath(FIXTURE), 'song_data', 'A');
  let relative = 'song_data/A';
  for (let dir = songsA; fs.statSync(dir).isDirectory(); ) {
    const first = fs.readdirSync(dir).sort()[0];
    relative += `/${first}`;
    dir = path.join(dir, first);
    if (!fs.statSync(dir).isDirectory()) break;
  }
  const victim = `deleted/${relative}`;
  expect(relative).toMatch(/\.json$/);
  const planThenDelete = async (input: StagingPlanInput) => {
    const plan = await sparkifyActivities.planStaging(input);
    await s3.remove(BUCKET, victim);
    return plan;
  };
  const cause = await failure('s3-e2e-deleted', { source: { type: 's3', path: `s3://${BUCKET}/deleted` } }, { planStaging: planThenDelete });
  expect(cause).toMatchObject({ type: 'SourceChanged', nonRetryable: true });
  expect(cause.message).toContain(`source file s3://${BUCKET}/${victim} vanished since the staging plan was made`);
});

/** A TCP proxy to s3rver that cuts the connection once, after `cutAfter` response bytes of the first GET of `key`. */
async function cuttingProxy(target: number, key: string, cutAfter: number) {
  let cuts = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    let armed = false;
    let forwarded = 0;
    client.on('data', (chunk) => {
      if (cuts === 0 && chunk.toString('latin1').startsWith(`GET /${BUCKET}/${key}`)) {
        armed = true;
        forwarded = 0;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!armed) return void client.write(chunk);
      const room = cutAfter - forwarded;
      client.write(chunk.subarray(0, Math.max(0, room)));
      forwarded += chunk.length;
      if (forwarded >= cutAfter) {
        cuts++;
        armed = false;
        client.destroy();
        upstream.destroy();
      }
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cuts: () => cuts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

it('retries a connection dropped mid-object without a duplicate or lost row', async () => {
  const object = 'log_data/2018/11/2018-11-03-events.json';
  const size = fs.statSync(path.join(fixturePath(FIXTURE), object)).size;
  const proxy = await cuttingProxy(s3.port, `root/${object}`, 100_000);
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  process.env.AWS_ENDPOINT_URL_S3 = `http://127.0.0.1:${proxy.port}`;
  const attempts: Array<{ partition: number; attempt: number; outcome: string }> = [];
  // The real COPY, committing after every file so the partition resumes after files it committed.
  const copyEventsRecorded = async (input: CopyStagingInput) => {
    const { attempt } = Context.current().info;
    try {
      const result = await stagePartition('events', input, { ...DEFAULT_STAGING_OPTIONS, batchFiles: 1 });
      attempts.push({ partition: input.partition, attempt, outcome: 'ok' });
      return result;
    } catch (err) {
      attempts.push({ partition: input.partition, attempt, outcome: (err as { type?: string }).type ?? String(err) });
      throw err;
    }
  };
  try {
    expect(size).toBeGreaterThan(100_000 + 1000); // the cut falls inside the body
    const { result, sums } = await keptRun('s3-e2e-dropped', { source: { type: 's3', path: `s3://${BUCKET}/root` } }, { copyStagingEvents: copyEventsRecorded });
    expect(proxy.cuts()).toBe(1);
    expect(attempts.filter((a) => a.outcome !== 'ok')).toEqual([expect.objectContaining({ attempt: 1, outcome: 'SourceUnavailable' })]);
    expect(sums).toEqual(localRun.sums);
    expect(withoutTimes(result)).toEqual(withoutTimes(localRun.result));
  } finally {
    process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    await proxy.close();
  }
});

it('fails non-retryably naming the bucket on wrong credentials, and on a missing bucket', async () => {
  const saved = process.env.AWS_ACCESS_KEY_ID;
  try {
    delete process.env.AWS_ACCESS_KEY_ID;
    configureS3({ credentials: { accessKeyId: 'AKIAWRONGKEY0000', secretAccessKey: 'wrong' } });
    const denied = await failure('s3-e2e-denied', { source: { type: 's3', path: `s3://${BUCKET}/root` } });
    expect(denied).toMatchObject({ type: 'SourceAccessDenied', nonRetryable: true });
    expect(denied.message).toContain(`access to bucket "${BUCKET}"`);
    expect(denied.message).toContain('InvalidAccessKeyId');
  } finally {
    process.env.AWS_ACCESS_KEY_ID = saved;
    configureS3({});
  }
  const missing = await failure('s3-e2e-missing', { source: { type: 's3', path: 's3://no-such-sparkify-bucket/data' } });
  expect(missing).toMatchObject({ type: 'SourceNotFound', nonRetryable: true });
  expect(missing.message).toContain('bucket "no-such-sparkify-bucket" does not exist');
});
