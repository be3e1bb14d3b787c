/** The local source: sorted streaming listing, stable partitions, fail-fast on a missing root. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { SourceRef, StagingPlan } from '../../src/contract';
import { openSource } from '../../src/sources';
import { listTree } from '../../src/sources/local-walk';
import { partitionOf } from '../../src/sources/partition';
import { fnv1a32 } from '../../src/shared/fnv1a';

let root: string;
const files: Record<string, string> = {
  'song_data/A/B/TRAB1.json': '{}',
  'song_data/A/TRA.json': '{"a":1}',
  'song_data/A.json/TRX.json': 'x',
  'song_data/A-B/TRC.json': 'yy',
  'song_data/notes.txt': 'ignored',
  'log_data/2018/11/2018-11-02-events.json': 'abc',
  'log_data/2018/11/2018-11-01-events.json': 'abcd',
  'log_data/2018/12/2018-12-01-events.json': '',
  'log_json_path.json': '{"jsonpaths": []}',
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-source-'));
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    fs.writeFileSync(path.join(root, relative), content);
  }
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function list(kind: 'events' | 'songs'): Promise<Array<{ path: string; size: number }>> {
  const source = await openSource({ type: 'local', path: root });
  const out = [];
  for await (const file of source.files(kind)) out.push(file);
  return out;
}

it('lists each kind\'s *.json files in full-path order with their sizes', async () => {
  expect(await list('songs')).toEqual([
    { path: 'song_data/A-B/TRC.json', size: 2 },
    { path: 'song_data/A.json/TRX.json', size: 1 },
    { path: 'song_data/A/B/TRAB1.json', size: 2 },
    { path: 'song_data/A/TRA.json', size: 7 },
  ]);
  expect(await list('events')).toEqual([
    { path: 'log_data/2018/11/2018-11-01-events.json', size: 4 },
    { path: 'log_data/2018/11/2018-11-02-events.json', size: 3 },
    { path: 'log_data/2018/12/2018-12-01-events.json', size: 0 },
  ]);
});

it('hashes paths with 32-bit FNV-1a (published test vectors)', () => {
  expect(fnv1a32('')).toBe(0x811c9dc5);
  expect(fnv1a32('a')).toBe(0xe40c292c);
  expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  expect(partitionOf('foobar', 7)).toBe(0xbf9cf968 % 7);
});

it('plans partitions from those hashes', async () => {
  const plan: StagingPlan = await (new MockActivityEnvironment().run(
    activities.planStaging as (input: unknown) => Promise<StagingPlan>,
    { source: { type: 'local', path: root }, partitions: 3 },
  ) as Promise<StagingPlan>);
  const expected = (paths: string[]) => {
    const counts = [0, 0, 0];
    for (const p of paths) counts[fnv1a32(p) % 3]++;
    return counts;
  };
  expect(plan).toEqual({
    events: { files: 3, bytes: 7, filesPerPartition: expected(['log_data/2018/11/2018-11-01-events.json', 'log_data/2018/11/2018-11-02-events.json', 'log_data/2018/12/2018-12-01-events.json']) },
    songs: { files: 4, bytes: 12, filesPerPartition: expected(['song_data/A-B/TRC.json', 'song_data/A.json/TRX.json', 'song_data/A/B/TRAB1.json', 'song_data/A/TRA.json']) },
  });
});

it('reads whole files and streams them', async () => {
  const source = await openSource({ type: 'local', path: root });
  expect((await source.readFile('song_data/A/TRA.json')).toString()).toBe('{"a":1}');
  const chunks: Buffer[] = [];
  for await (const chunk of source.openStream('log_data/2018/11/2018-11-01-events.json')) chunks.push(chunk as Buffer);
  expect(Buffer.concat(chunks).toString()).toBe('abcd');
});

it('fails fast with a non-retryable SourceNotFound naming a missing or non-Sparkify root', async () => {
  await expect(openSource({ type: 'local', path: path.join(root, 'missing') })).rejects.toMatchObject({
    type: 'SourceNotFound', nonRetryable: true, message: expect.stringContaining(path.join(root, 'missing')),
  });
  await expect(openSource({ type: 'local', path: path.join(root, 'log_json_path.json') })).rejects.toMatchObject({
    type: 'SourceNotFound', nonRetryable: true,
  });
  await expect(openSource({ type: 'local', path: path.join(root, 'song_data', 'A') })).rejects.toMatchObject({
    type: 'SourceNotFound', message: expect.stringContaining('neither song_data/ nor log_data/'),
  });
  await expect(
    new MockActivityEnvironment().run(activities.planStaging as (input: unknown) => Promise<unknown>, {
      source: { type: 'local', path: '/no/such/dir' }, partitions: 2,
    }),
  ).rejects.toMatchObject({ type: 'SourceNotFound', nonRetryable: true, message: expect.stringContaining('/no/such/dir') });
});

it('rejects a source type this build cannot read, and files outside the root', async () => {
  // A type this build does not have can still arrive from history or the Temporal CLI as JSON.
  const unknownType = { type: 'gcs', path: 'gs://bucket/prefix' } as unknown as SourceRef;
  await expect(openSource(unknownType)).rejects.toMatchObject({
    type: 'UnsupportedSource', nonRetryable: true, message: expect.stringContaining('"gcs"'),
  });
  const source = await openSource({ type: 'local', path: root });
  await expect(source.readFile('../../etc/passwd')).rejects.toMatchObject({ type: 'SourceNotFound' });
});

describe('reading batches of files (song staging)', () => {
  const song = (n: number) => `{"song_id":"SO${n}"}`;
  let batchRoot: string;
  beforeEach(() => {
    batchRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-batch-'));
    for (const name of ['A', 'B', 'C', 'D']) {
      fs.mkdirSync(path.join(batchRoot, 'song_data', name), { recursive: true });
      fs.writeFileSync(path.join(batchRoot, 'song_data', name, 'TR.json'), song(name.charCodeAt(0)));
    }
  });
  afterEach(() => {
    delete process.env.SPARKIFY_READ_THREADS;
    fs.rmSync(batchRoot, { recursive: true, force: true });
  });

  /** Reads A–D as planned after B vanished and C grew, and describes each outcome. */
  async function readChanged(): Promise<unknown[]> {
    const source = await openSource({ type: 'local', path: batchRoot });
    const planned = [];
    for await (const file of source.files('songs')) planned.push({ path: file.path, planned: file });
    fs.rmSync(path.join(batchRoot, 'song_data/B/TR.json'));
    fs.writeFileSync(path.join(batchRoot, 'song_data/C/TR.json'), song(67) + '    ');
    const results = await source.readFiles!([...planned, { path: 'song_data/B/TR.json' }, { path: 'song_data/../../outside.json' }]);
    return results.map((r) => (r instanceof Error ? { error: (r as Error & { type?: string }).type, message: r.message } : r.toString()));
  }

  const C = (root: string) => path.join(root, 'song_data/C/TR.json');
  const B = (root: string) => path.join(root, 'song_data/B/TR.json');
  const expected = (root: string) => [
    song(65),
    { error: 'SourceChanged', message: `source file ${B(root)} vanished since the staging plan was made; start a new run to load the current data` },
    { error: 'SourceChanged', message: `source file ${C(root)} changed (size ${song(67).length} → ${song(67).length + 4} bytes) since the staging plan was made; start a new run to load the current data` },
    song(68),
    { error: 'SourceFileVanished', message: `source file vanished after it was listed: ${B(root)} (ENOENT); the retry lists the source again` },
    { error: 'SourceNotFound', message: 'source not found or unreadable: song_data/../../outside.json (outside the source root)' },
  ];

  it('on the read threads: each file its bytes or the failure naming it (vanished, changed size, outside the root)', async () => {
    expect(await readChanged()).toEqual(expected(batchRoot));
  });

  it('with SPARKIFY_READ_THREADS=0 on the calling thread, with the same outcomes', async () => {
    process.env.SPARKIFY_READ_THREADS = '0';
    expect(await readChanged()).toEqual(expected(batchRoot));
  });

  it('refuses a malformed SPARKIFY_READ_THREADS with a ConfigurationError naming it', async () => {
    process.env.SPARKIFY_READ_THREADS = 'two';
    const source = await openSource({ type: 'local', path: batchRoot });
    await expect(source.readFiles!([{ path: 'song_data/A/TR.json' }])).rejects.toMatchObject({
      type: 'ConfigurationError', message: expect.stringContaining('SPARKIFY_READ_THREADS'),
    });
  });
});

describe('listing many files (walked and stat\'ed in batches on the read threads)', () => {
  const COUNT = 5000;
  const name = (i: number) => `TR${String(i).padStart(5, '0')}.json`;
  let bigRoot: string;
  beforeAll(() => {
    bigRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-listing-'));
    fs.mkdirSync(path.join(bigRoot, 'song_data', 'A'), { recursive: true });
    for (let i = 0; i < COUNT; i++) fs.writeFileSync(path.join(bigRoot, 'song_data', 'A', name(i)), 'x'.repeat(i % 7));
  });
  afterEach(() => delete process.env.SPARKIFY_READ_THREADS);
  afterAll(() => fs.rmSync(bigRoot, { recursive: true, force: true }));

  const expected = Array.from({ length: COUNT }, (_, i) => ({ path: `song_data/A/${name(i)}`, size: i % 7 }));

  /** Lists the songs, deleting `vanishing` (a file far ahead of the batches in flight) once the first file is out. */
  async function listDeleting(vanishing?: number): Promise<Array<{ path: string; size: number }>> {
    const source = await openSource({ type: 'local', path: bigRoot });
    const out = [];
    for await (const file of source.files('songs')) {
      if (out.length === 0 && vanishing !== undefined) fs.rmSync(path.join(bigRoot, 'song_data', 'A', name(vanishing)));
      out.push(file);
    }
    return out;
  }

  // Two threads (the default), each walking and stat'ing its share; one thread; none: the activity's thread.
  const MODES = [['on the read threads', undefined], ['with SPARKIFY_READ_THREADS=1', '1'], ['with SPARKIFY_READ_THREADS=0', '0']] as const;

  it.each(MODES)('%s: every file in path order with its size', async (_, threads) => {
    if (threads !== undefined) process.env.SPARKIFY_READ_THREADS = threads;
    expect(await listDeleting()).toEqual(expected);
  });

  it.each(MODES)(
    '%s: a file that vanished between its directory\'s listing and its stat fails the listing, naming it',
    async (_, threads) => {
      if (threads !== undefined) process.env.SPARKIFY_READ_THREADS = threads;
      const vanished = path.join(bigRoot, 'song_data', 'A', name(4500));
      try {
        await expect(listDeleting(4500)).rejects.toMatchObject({
          type: 'SourceFileVanished',
          nonRetryable: false,
          message: `source file vanished after it was listed: ${vanished} (ENOENT); the retry lists the source again`,
        });
      } finally {
        fs.writeFileSync(vanished, 'x'.repeat(4500 % 7));
      }
    },
  );
});

describe('a listing split among the read threads (each walks and stats its share, the shares merged in path order)', () => {
  // Files above, at and below the depth where the shares part (two levels under song_data/), a
  // directory named like a file, names that sort differently as paths than as names.
  const tree: Record<string, number> = {};
  for (const top of ['A', 'B', 'C-1', 'C']) {
    tree[`song_data/${top}.json`] = 1;
    for (const middle of ['A', 'B', 'C', 'D', 'E', 'F.json', 'F-G']) {
      tree[`song_data/${top}/${middle}.json`] = 2;
      for (const leaf of ['TR1.json', 'TR2.json', 'skip.txt']) tree[`song_data/${top}/${middle}/${leaf}`] = 3;
      tree[`song_data/${top}/${middle}/Z/TR3.json`] = 4;
    }
  }
  let treeRoot: string;
  beforeAll(() => {
    treeRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-split-listing-'));
    for (const [relative, size] of Object.entries(tree)) {
      fs.mkdirSync(path.dirname(path.join(treeRoot, relative)), { recursive: true });
      fs.writeFileSync(path.join(treeRoot, relative), 'x'.repeat(size));
    }
  });
  afterEach(() => delete process.env.SPARKIFY_READ_THREADS);
  afterAll(() => fs.rmSync(treeRoot, { recursive: true, force: true }));

  // Sorted by UTF-16 code units, as the listing promises (and as the plan's byte-order collation has it for ASCII).
  const expected = Object.entries(tree)
    .filter(([relative]) => relative.endsWith('.json'))
    .map(([relative, size]) => ({ path: relative, size }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));

  it.each(['1', '2', '3', '5'])('with SPARKIFY_READ_THREADS=%s: every file once, in path order, with its size', async (threads) => {
    process.env.SPARKIFY_READ_THREADS = threads;
    const source = await openSource({ type: 'local', path: treeRoot });
    const out = [];
    for await (const file of source.files('songs')) out.push(file);
    expect(out).toEqual(expected);
  });

  it('gives each share a disjoint part of the files, every one in path order, all of them together', () => {
    const directory = path.join(treeRoot, 'song_data');
    const whole = [...listTree(directory, 'song_data')].map((f) => f.relative);
    expect(whole).toEqual(expected.map((f) => f.path));
    for (const of of [2, 3]) {
      const shares = Array.from({ length: of }, (_, index) => [...listTree(directory, 'song_data', { index, of })].map((f) => f.relative));
      for (const share of shares) {
        expect(share.length).toBeGreaterThan(0);
        expect(share).toEqual([...share].sort((a, b) => (a < b ? -1 : 1)));
      }
      expect(shares.flat().sort((a, b) => (a < b ? -1 : 1))).toEqual(whole);
    }
  });
});
