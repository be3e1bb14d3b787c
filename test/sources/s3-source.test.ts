/**
 * The s3 source against a real S3 HTTP server (s3rver): listing across pages in the local
 * source's order, the separate-prefix layout of dwh.cfg, streamed bodies, objects that changed
 * or vanished since the plan, and the failures of wrong credentials and missing buckets.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { SourceRef, StagingKind } from '../../src/contract';
import { openSource } from '../../src/sources';
import { LocalSource } from '../../src/sources/local';
import { S3Source } from '../../src/sources/s3';
import { configureS3, s3Client } from '../../src/sources/s3-client';
import type { SourceFile } from '../../src/sources/source';
import { S3RVER_KEY, startS3ForTests, type S3ForTests } from '../helpers/s3';

// Each test lists or reads a few hundred objects over HTTP: seconds, more on a loaded machine.
jest.setTimeout(60_000);

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'sparkify-small');
const BUCKET = 'sparkify-listing';
let s3: S3ForTests;

beforeAll(async () => {
  s3 = await startS3ForTests();
  await s3.createBucket(BUCKET);
  // One root holding log_data/ and song_data/, the layout of dwh.cfg's separate prefixes (as
  // udacity-dend has it), and decoys that share a prefix's first characters.
  await s3.uploadDirectory(FIXTURE, BUCKET, 'root/2018/', (f) => f.startsWith('log_data/') || f.startsWith('song_data/'));
  await s3.uploadDirectory(path.join(FIXTURE, 'log_data'), BUCKET, 'sep/log_data/');
  await s3.uploadDirectory(path.join(FIXTURE, 'song_data'), BUCKET, 'sep/song_data/');
  await s3.put(BUCKET, 'sep/log_data_old/2018/11/stale.json', '{}');
  await s3.put(BUCKET, 'sep/song_data/README.txt', 'not json');
  await s3.put(BUCKET, 'root/2018/log_json_path.json', '{"jsonpaths": []}');
}, 120_000);
afterAll(() => s3?.stop());

async function listAll(source: { files(kind: StagingKind): AsyncIterable<SourceFile> }, kind: StagingKind) {
  const out: Array<{ path: string; size: number }> = [];
  for await (const file of source.files(kind)) out.push({ path: file.path, size: file.size });
  return out;
}

/** A client that counts the ListObjectsV2 requests it sends. */
function countingClient(): { client: S3Client; lists: () => number } {
  let lists = 0;
  const counted = new S3Client({
    endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY },
  });
  counted.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'ListObjectsV2Command') lists++;
    return next(args);
  }, { step: 'initialize', name: 'countLists' });
  return { client: counted, lists: () => lists };
}

it('lists a root s3://bucket/prefix in the local source\'s order and sizes, page by page', async () => {
  const local = await LocalSource.open({ type: 'local', path: FIXTURE });
  const { client, lists } = countingClient();
  const source = await S3Source.open({ type: 's3', path: `s3://${BUCKET}/root/2018` }, { pageSize: 7, client });
  const songs = await listAll(source, 'songs');
  const events = await listAll(source, 'events');
  expect(songs).toEqual(await listAll(local, 'songs'));
  expect(events).toEqual(await listAll(local, 'events'));
  expect(songs.length).toBe(300);
  // open() probes each prefix once; then ceil(files / 7) pages per kind (one more when it divides evenly).
  expect(lists()).toBeGreaterThanOrEqual(2 + Math.ceil(300 / 7) + Math.ceil(events.length / 7));
});

it('reads the separate LOG_DATA / SONG_DATA prefixes of dwh.cfg as the same relative paths', async () => {
  const local = await LocalSource.open({ type: 'local', path: FIXTURE });
  const ref: SourceRef = {
    type: 's3', logData: `s3://${BUCKET}/sep/log_data`, songData: `s3://${BUCKET}/sep/song_data`,
    logJsonPath: `s3://${BUCKET}/root/2018/log_json_path.json`,
  };
  const source = await openSource(ref);
  expect(await listAll(source, 'events')).toEqual(await listAll(local, 'events'));
  expect(await listAll(source, 'songs')).toEqual(await listAll(local, 'songs'));
  // Only one kind given: the other has no files.
  const onlySongs = await openSource({ type: 's3', songData: `s3://${BUCKET}/sep/song_data/` });
  expect(await listAll(onlySongs, 'events')).toEqual([]);
});

it('gives a local directory the same two ways', async () => {
  const whole = await LocalSource.open({ type: 'local', path: FIXTURE });
  const split = await openSource({ type: 'local', logData: path.join(FIXTURE, 'log_data'), songData: path.join(FIXTURE, 'song_data') });
  expect(await listAll(split, 'events')).toEqual(await listAll(whole, 'events'));
  expect(await listAll(split, 'songs')).toEqual(await listAll(whole, 'songs'));
  const file = (await listAll(whole, 'songs'))[0].path;
  expect(await split.readFile(file)).toEqual(await whole.readFile(file));
});

it('streams objects byte for byte and reads song files whole', async () => {
  const source = await openSource({ type: 's3', path: `s3://${BUCKET}/root/2018` });
  const event = 'log_data/2018/11/2018-11-01-events.json';
  const chunks: Buffer[] = [];
  for await (const chunk of source.openStream(event)) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).equals(fs.readFileSync(path.join(FIXTURE, event)))).toBe(true);
  const [song] = await listAll(source, 'songs');
  expect((await source.readFile(song.path)).equals(fs.readFileSync(path.join(FIXTURE, song.path)))).toBe(true);
});

it('fails a file that changed or vanished since the plan, naming it', async () => {
  await s3.uploadDirectory(path.join(FIXTURE, 'song_data/A'), BUCKET, 'moving/song_data/A/');
  await s3.uploadDirectory(path.join(FIXTURE, 'log_data'), BUCKET, 'moving/log_data/');
  const source = await openSource({ type: 's3', path: `s3://${BUCKET}/moving` });
  const [changed, vanished] = (await collect(source.files('songs'))).slice(0, 2);
  const [event] = await collect(source.files('events'));
  expect(changed.etag).toMatch(/^"[0-9a-f]{32}"$/);

  await s3.put(BUCKET, `moving/${changed.path}`, '{"changed": true}');
  await s3.remove(BUCKET, `moving/${vanished.path}`);
  await s3.put(BUCKET, `moving/${event.path}`, 'x'.repeat(event.size)); // same size, other content

  await expect(source.readFile(changed.path, changed)).rejects.toMatchObject({
    type: 'SourceChanged', nonRetryable: true, message: expect.stringContaining(`s3://${BUCKET}/moving/${changed.path} changed`),
  });
  await expect(source.readFile(vanished.path, vanished)).rejects.toMatchObject({
    type: 'SourceChanged', nonRetryable: true, message: expect.stringContaining(`s3://${BUCKET}/moving/${vanished.path} vanished`),
  });
  await expect(collect(source.openStream(event.path, event))).rejects.toMatchObject({
    type: 'SourceChanged', message: expect.stringContaining(`s3://${BUCKET}/moving/${event.path} changed`),
  });
  // Without a plan to compare with, the current object is read.
  expect((await source.readFile(changed.path)).toString()).toBe('{"changed": true}');
});

it('fails non-retryably, naming the bucket, on wrong credentials and on a missing bucket', async () => {
  try {
    configureS3({ credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG', secretAccessKey: 'wrong' } });
    delete process.env.AWS_ACCESS_KEY_ID;
    await expect(openSource({ type: 's3', path: `s3://${BUCKET}/root/2018` })).rejects.toMatchObject({
      type: 'SourceAccessDenied', nonRetryable: true, message: expect.stringMatching(new RegExp(`bucket "${BUCKET}".*InvalidAccessKeyId`)),
    });
  } finally {
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    configureS3({});
  }
  await expect(openSource({ type: 's3', path: 's3://no-such-bucket-here/x' })).rejects.toMatchObject({
    type: 'SourceNotFound', nonRetryable: true, message: expect.stringContaining('bucket "no-such-bucket-here" does not exist'),
  });
  await expect(openSource({ type: 's3', path: `s3://${BUCKET}/nothing-here` })).rejects.toMatchObject({
    type: 'SourceNotFound', message: expect.stringContaining(`s3://${BUCKET}/nothing-here/log_data/ and s3://${BUCKET}/nothing-here/song_data/ (no objects there)`),
  });
});

it('sends unsigned requests with anonymous (--no-sign-request)', async () => {
  const seen: Array<string | undefined> = [];
  const source = await S3Source.open({ type: 's3', path: `s3://${BUCKET}/root/2018`, anonymous: true });
  const client = s3Client({ anonymous: true });
  client.middlewareStack.add((next) => async (args) => {
    const result = await next(args);
    seen.push((args.request as { headers: Record<string, string> }).headers.authorization);
    return result;
  }, { step: 'finalizeRequest', name: 'seeAuthorization', priority: 'low' });
  expect((await listAll(source, 'events')).length).toBe(6);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((header) => header === undefined)).toBe(true);
});

it('uses AWS_ENDPOINT_URL when AWS_ENDPOINT_URL_S3 is not set (path-style)', async () => {
  const endpoint = process.env.AWS_ENDPOINT_URL_S3;
  try {
    delete process.env.AWS_ENDPOINT_URL_S3;
    process.env.AWS_ENDPOINT_URL = endpoint;
    const client = s3Client({ region: 'eu-west-1' });
    const page = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'sep/log_data/', MaxKeys: 1 }));
    expect(page.Contents?.[0].Key).toBe('sep/log_data/2018/11/2018-11-01-events.json');
  } finally {
    process.env.AWS_ENDPOINT_URL_S3 = endpoint;
    delete process.env.AWS_ENDPOINT_URL;
  }
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
