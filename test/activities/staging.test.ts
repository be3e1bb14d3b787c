/**
 * Staging COPYs against a real PostgreSQL: exact loaded rows and load_errors for a hand-written
 * dataset, partitioning, batching, and exactly-once resume after failures at every point.
 */
import { CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import type { CopyStagingResult, SourceRef, WarehouseHandle } from '../../src/contract';
import { stagePartition } from '../../src/activities/staging/stage-partition';
import { acquireParserThread, ParserThread, releaseParserThread } from '../../src/activities/staging/parser-pool';
import { eventLine, removeDataset, runIn, songFile, startWarehouseForTests, writeDataset, type WarehouseForTests } from './support';

let wh: WarehouseForTests;
beforeAll(async () => {
  wh = await startWarehouseForTests('staging');
}, 90_000);
afterAll(() => wh?.stop(), 60_000);

const E1 = 'log_data/2018/11/2018-11-01-events.json';
const E2 = 'log_data/2018/11/2018-11-02-events.json';
const E3 = 'log_data/2018/11/empty.json';

const e1Lines = [
  eventLine({ song: 'S1', artist: 'A1', length: 100.5 }),
  '   ',
  '{"auth":"Logged In","ts":1',
  '[1,2]',
  eventLine({ ts: undefined }),
  eventLine({ ts: '1541105830796' }),
  eventLine({ auth: null }),
  eventLine({ userId: '8', location: 'Tab\there \\ back', userAgent: 'a\nb', page: 'Home', ts: 1541105830797 }),
];
const e2Line1 = eventLine({ ts: 1541190000000, userId: '' });
const e2Line3 = eventLine({ itemInSession: 1.5 });

const tinyFiles: Record<string, string> = {
  [E1]: e1Lines.join('\n'),
  [E2]: `${e2Line1}\r\n\r\n${e2Line3}\r\n`,
  [E3]: '',
  'log_data/README.txt': 'not an input file',
  'song_data/A/A/A/TRA.json': songFile({ song_id: 'SOA', title: 'S1', artist_name: 'A1', duration: 100.5, artist_latitude: 1.25, year: 2001 }),
  'song_data/A/A/B/TRB.json': '',
  'song_data/A/A/B/TRC.json': '"just a string"',
  'song_data/A/B/A/TRD.json': songFile({ year: 1999.5 }),
  'song_data/B/TRE.json': ' \n',
  'song_data/B/TRF.json': songFile({ song_id: 'SOF', title: 'x\\y' }),
};

const bytesOf = (paths: string[]): number => paths.reduce((sum, p) => sum + Buffer.byteLength(tinyFiles[p]), 0);

describe('staging a hand-written dataset with bad rows', () => {
  let source: SourceRef;
  let warehouse: WarehouseHandle;
  let events: CopyStagingResult;
  let songs: CopyStagingResult;

  beforeAll(async () => {
    source = writeDataset(tinyFiles);
    warehouse = await wh.fresh('tiny');
    const env = new MockActivityEnvironment();
    events = await runIn(env, activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 });
    songs = await runIn(env, activities.copyStagingSongs, { warehouse, source, partition: 0, partitions: 1 });
  });
  afterAll(() => removeDataset(source));

  it('counts every input row: read = loaded + rejected', () => {
    expect(events).toEqual({
      kind: 'events', partition: 0, filesDone: 3, linesRead: 9, rowsLoaded: 3, rowsRejected: 6, bytesRead: bytesOf([E1, E2, E3]),
    });
    expect(songs).toEqual({
      kind: 'songs', partition: 0, filesDone: 6, linesRead: 6, rowsLoaded: 2, rowsRejected: 4,
      bytesRead: bytesOf(Object.keys(tinyFiles).filter((p) => p.startsWith('song_data/'))),
    });
  });

  it('loads the valid event lines with every field and their file and line', async () => {
    const rows = await wh.rows(warehouse, 'SELECT * FROM staging_events ORDER BY source_file, source_line');
    expect(rows).toEqual([
      {
        artist: 'A1', auth: 'Logged In', first_name: 'Ann', gender: 'F', item_in_session: '0', last_name: 'Lee',
        length: 100.5, level: 'free', location: 'Here, CA', method: 'PUT', page: 'NextSong', registration: 1540919166796,
        session_id: '1', song: 'S1', status: '200', ts: '1541105830796', user_agent: 'UA', user_id: '7',
        source_file: E1, source_line: 1,
      },
      {
        artist: null, auth: 'Logged In', first_name: 'Ann', gender: 'F', item_in_session: '0', last_name: 'Lee',
        length: null, level: 'free', location: 'Tab\there \\ back', method: 'PUT', page: 'Home', registration: 1540919166796,
        session_id: '1', song: null, status: '200', ts: '1541105830797', user_agent: 'a\nb', user_id: '8',
        source_file: E1, source_line: 8,
      },
      {
        artist: null, auth: 'Logged In', first_name: 'Ann', gender: 'F', item_in_session: '0', last_name: 'Lee',
        length: null, level: 'free', location: 'Here, CA', method: 'PUT', page: 'NextSong', registration: 1540919166796,
        session_id: '1', song: null, status: '200', ts: '1541190000000', user_agent: 'UA', user_id: '',
        source_file: E2, source_line: 1,
      },
    ]);
  });

  it('loads the valid song files', async () => {
    const rows = await wh.rows(warehouse, 'SELECT * FROM staging_songs ORDER BY source_file');
    expect(rows).toEqual([
      {
        num_songs: '1', artist_id: 'AR1', artist_latitude: 1.25, artist_longitude: null, artist_location: '',
        artist_name: 'A1', song_id: 'SOA', title: 'S1', duration: 100.5, year: '2001',
        source_file: 'song_data/A/A/A/TRA.json', source_line: 1,
      },
      {
        num_songs: '1', artist_id: 'AR1', artist_latitude: null, artist_longitude: null, artist_location: '',
        artist_name: 'Artist', song_id: 'SOF', title: 'x\\y', duration: 200.5, year: '0',
        source_file: 'song_data/B/TRF.json', source_line: 1,
      },
    ]);
  });

  it('records every rejected row in load_errors with file, line, raw text, kind and a reason naming the field', async () => {
    const rows = await wh.rows(warehouse, 'SELECT file, line, staging, raw, reason_kind, reason FROM load_errors ORDER BY file, line');
    expect(rows).toEqual([
      { file: E1, line: 3, staging: 'events', raw: e1Lines[2], reason_kind: 'invalid-json', reason: expect.stringMatching(/^invalid JSON: /) },
      { file: E1, line: 4, staging: 'events', raw: '[1,2]', reason_kind: 'not-object', reason: 'expected a JSON object, got array' },
      { file: E1, line: 5, staging: 'events', raw: e1Lines[4], reason_kind: 'missing-field', reason: 'field "ts": required, missing' },
      { file: E1, line: 6, staging: 'events', raw: e1Lines[5], reason_kind: 'wrong-type', reason: 'field "ts": expected integer, got string' },
      { file: E1, line: 7, staging: 'events', raw: e1Lines[6], reason_kind: 'missing-field', reason: 'field "auth": required, got null' },
      { file: E2, line: 3, staging: 'events', raw: `${e2Line3}\r`, reason_kind: 'wrong-type', reason: 'field "itemInSession": expected integer, got number' },
      { file: 'song_data/A/A/B/TRB.json', line: 1, staging: 'songs', raw: '', reason_kind: 'empty-file', reason: 'empty file' },
      { file: 'song_data/A/A/B/TRC.json', line: 1, staging: 'songs', raw: '"just a string"', reason_kind: 'not-object', reason: 'expected a JSON object, got string' },
      { file: 'song_data/A/B/A/TRD.json', line: 1, staging: 'songs', raw: tinyFiles['song_data/A/B/A/TRD.json'], reason_kind: 'wrong-type', reason: 'field "year": expected integer, got number' },
      { file: 'song_data/B/TRE.json', line: 1, staging: 'songs', raw: ' \n', reason_kind: 'empty-file', reason: 'empty file' },
    ]);
  });

  it('gives the same rows when split over 3 partitions, each file in exactly one partition', async () => {
    const split = await wh.fresh('tiny3');
    const env = new MockActivityEnvironment();
    const results: CopyStagingResult[] = [];
    for (let partition = 0; partition < 3; partition++) {
      results.push(await runIn(env, activities.copyStagingEvents, { warehouse: split, source, partition, partitions: 3 }));
      results.push(await runIn(env, activities.copyStagingSongs, { warehouse: split, source, partition, partitions: 3 }));
    }
    const total = (kind: string, field: keyof CopyStagingResult) =>
      results.filter((r) => r.kind === kind).reduce((sum, r) => sum + Number(r[field]), 0);
    expect([total('events', 'filesDone'), total('events', 'linesRead'), total('events', 'rowsLoaded')]).toEqual([3, 9, 3]);
    expect([total('songs', 'filesDone'), total('songs', 'rowsLoaded'), total('songs', 'rowsRejected')]).toEqual([6, 2, 4]);
    const dump = async (h: WarehouseHandle) => [
      await wh.rows(h, 'SELECT * FROM staging_events ORDER BY source_file, source_line'),
      await wh.rows(h, 'SELECT * FROM staging_songs ORDER BY source_file'),
      await wh.rows(h, 'SELECT * FROM load_errors ORDER BY file, line'),
    ];
    expect(await dump(split)).toEqual(await dump(warehouse));
  });

  it('batches many small files into few transactions', async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 300; i++) many[`song_data/X/TR${String(i).padStart(4, '0')}.json`] = songFile({ song_id: `SO${i}` });
    const manySource = writeDataset(many);
    try {
      const target = await wh.fresh('many');
      let commits = 0;
      const result = await runIn(new MockActivityEnvironment(), () =>
        stagePartition('songs', { warehouse: target, source: manySource, partition: 0, partitions: 1 }, {
          batchBytes: 32 * 1024 * 1024,
          batchFiles: 2000,
          afterCommit: () => {
            commits++;
          },
        }),
      );
      expect(result.rowsLoaded).toBe(300);
      expect(commits).toBe(1);
    } finally {
      removeDataset(manySource);
    }
  });

  it('fails fast with a non-retryable SourceNotFound naming a missing source', async () => {
    const missing = { type: 'local' as const, path: '/nonexistent/sparkify-data' };
    await expect(
      runIn(new MockActivityEnvironment(), activities.copyStagingEvents, { warehouse, source: missing, partition: 0, partitions: 1 }),
    ).rejects.toMatchObject({ type: 'SourceNotFound', nonRetryable: true, message: expect.stringContaining('/nonexistent/sparkify-data') });
  });
});

describe('events parsed on a parser thread (SPARKIFY_PARSER_THREADS=1)', () => {
  it('stage the same rows, rejections and counts as parsing in the activity', async () => {
    const source = writeDataset(tinyFiles);
    const previous = process.env.SPARKIFY_PARSER_THREADS;
    try {
      const staged: Array<{ result: CopyStagingResult; rows: unknown[]; rejected: unknown[] }> = [];
      for (const setting of ['0', '1']) {
        process.env.SPARKIFY_PARSER_THREADS = setting;
        // The setting decides whether staging gets a thread, so the two runs parse in different places.
        const thread = acquireParserThread();
        expect(thread instanceof ParserThread).toBe(setting === '1');
        releaseParserThread(thread);
        const warehouse = await wh.fresh(`parser_${setting}`);
        const result = await runIn(new MockActivityEnvironment(), activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 });
        const rows = await wh.rows(warehouse, 'SELECT * FROM staging_events ORDER BY source_file, source_line');
        const rejected = await wh.rows(warehouse, 'SELECT * FROM load_errors ORDER BY file, line');
        staged.push({ result, rows, rejected });
      }
      expect(staged[0].result.rowsLoaded + staged[0].result.rowsRejected).toBe(staged[0].result.linesRead);
      expect(staged[1]).toEqual(staged[0]);
    } finally {
      if (previous === undefined) delete process.env.SPARKIFY_PARSER_THREADS;
      else process.env.SPARKIFY_PARSER_THREADS = previous;
      removeDataset(source);
    }
  }, 60_000);
});

describe('the staging plan in staging_files', () => {
  /** FNV-1a over Buffer's UTF-8 bytes, written here independently of the code under test. */
  const fnv = (text: string): number => {
    let hash = 0x811c9dc5;
    for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash;
  };
  // Names that COPY's text format must escape (tab, newline, carriage return, backslash), \N
  // (COPY's NULL) as a name, and non-ASCII text.
  const names = ['tab\there', 'new\nline', 'cr\rx', 'back\\slash', '\\N', 'Mötley Crüe 東京', 'plain'];
  const planFiles: Record<string, string> = {
    [E1]: eventLine({ ts: 1 }),
    ...Object.fromEntries(names.map((name, i) => [`song_data/${name}/TR${i}.json`, songFile({ song_id: `SO${i}`, title: name })])),
  };

  it('lists every file with its partition and size, replaces an earlier plan, and staging loads exactly those files', async () => {
    const planSource = writeDataset(planFiles);
    try {
      const target = await wh.fresh('plan');
      const env = new MockActivityEnvironment();
      const partitions = 3;
      await runIn(env, activities.planStaging, { source: planSource, partitions, warehouse: target });
      // A retried plan replaces the first one's rows (no duplicate keys, no stale rows).
      const plan = await runIn(env, activities.planStaging, { source: planSource, partitions, warehouse: target });
      const expected = Object.keys(planFiles)
        .map((file) => ({
          staging: file.startsWith('song_data/') ? 'songs' : 'events',
          partitions,
          partition_no: fnv(file) % partitions,
          path: file,
          size: String(Buffer.byteLength(planFiles[file])),
          etag: null,
        }))
        .sort((a, b) => (a.staging + a.path < b.staging + b.path ? -1 : 1));
      const rows = await wh.rows(target, 'SELECT staging, partitions, partition_no, path, size, etag FROM staging_files ORDER BY staging, path');
      expect(rows).toEqual(expected);
      expect(plan.songs.files).toBe(names.length);
      expect(plan.songs.filesPerPartition.reduce((a, b) => a + b, 0)).toBe(names.length);

      for (let partition = 0; partition < partitions; partition++) {
        await runIn(env, activities.copyStagingSongs, { warehouse: target, source: planSource, partition, partitions });
      }
      const staged = await wh.rows<{ source_file: string; title: string }>(target, 'SELECT source_file, title FROM staging_songs ORDER BY source_file');
      expect(staged).toEqual(names.map((name, i) => ({ source_file: `song_data/${name}/TR${i}.json`, title: name })).sort((a, b) => (a.source_file < b.source_file ? -1 : 1)));
    } finally {
      removeDataset(planSource);
    }
  });
});

describe('exactly-once resume', () => {
  /** Six event files of four lines each; file 2 line 3 is not JSON. */
  const files: Record<string, string> = {};
  for (let day = 1; day <= 6; day++) {
    const lines = [1, 2, 3, 4].map((n) => eventLine({ ts: 1541030400000 + day * 1000 + n, itemInSession: n, userId: String(day) }));
    if (day === 2) lines[2] = 'not json';
    files[`log_data/2018/11/2018-11-0${day}-events.json`] = lines.join('\n') + '\n';
  }
  const songs: Record<string, string> = {};
  for (let i = 0; i < 12; i++) songs[`song_data/S/TR${String(i).padStart(2, '0')}.json`] = songFile({ song_id: `SO${i}` });
  let source: SourceRef;
  let clean: { events: CopyStagingResult; songs: CopyStagingResult; dump: unknown[] };

  const input = (warehouse: WarehouseHandle) => ({ warehouse, source, partition: 0, partitions: 1 });
  const dump = async (h: WarehouseHandle) => [
    await wh.rows(h, 'SELECT * FROM staging_events ORDER BY source_file, source_line'),
    await wh.rows(h, 'SELECT * FROM staging_songs ORDER BY source_file'),
    await wh.rows(h, 'SELECT file, line, reason_kind FROM load_errors ORDER BY file, line'),
  ];
  const duplicates = async (h: WarehouseHandle) => [
    ...(await wh.rows(h, 'SELECT source_file, source_line FROM staging_events GROUP BY 1, 2 HAVING COUNT(*) > 1')),
    ...(await wh.rows(h, 'SELECT source_file FROM staging_songs GROUP BY 1 HAVING COUNT(*) > 1')),
  ];
  const recordingEnv = (beats: CopyStagingResult[], info: Record<string, unknown> = {}) => {
    const env = new MockActivityEnvironment(info);
    env.on('heartbeat', (details: CopyStagingResult) => beats.push(details));
    return env;
  };

  beforeAll(async () => {
    source = writeDataset({ ...files, ...songs });
    const warehouse = await wh.fresh('clean');
    const env = new MockActivityEnvironment();
    clean = {
      events: await runIn(env, activities.copyStagingEvents, input(warehouse)),
      songs: await runIn(env, activities.copyStagingSongs, input(warehouse)),
      dump: await dump(warehouse),
    };
    expect(clean.events).toMatchObject({ filesDone: 6, linesRead: 24, rowsLoaded: 23, rowsRejected: 1 });
  });
  afterAll(() => removeDataset(source));

  it('resumes from the last heartbeat after an attempt failed mid-way', async () => {
    const warehouse = await wh.fresh('crash');
    const beats: CopyStagingResult[] = [];
    const crashAtFourthFile = (_file: unknown, index: number) => {
      if (index === 3) throw new Error('simulated worker crash');
    };
    await expect(
      runIn(recordingEnv(beats), () =>
        stagePartition('events', input(warehouse), { batchBytes: 1 << 30, batchFiles: 1, beforeFile: crashAtFourthFile }),
      ),
    ).rejects.toMatchObject({ nonRetryable: false, message: expect.stringContaining('simulated worker crash') });
    const last = beats[beats.length - 1];
    expect(last).toMatchObject({ filesDone: 3, linesRead: 12, rowsLoaded: 11, rowsRejected: 1 });
    expect((await wh.rows(warehouse, 'SELECT COUNT(*)::int AS n FROM staging_events'))[0]).toEqual({ n: 11 });

    const second = await runIn(recordingEnv([], { heartbeatDetails: last, attempt: 2 }), activities.copyStagingEvents, input(warehouse));
    expect(second).toEqual(clean.events);
    expect(await duplicates(warehouse)).toEqual([]);
    const [stagedEvents, , errors] = await dump(warehouse);
    expect([stagedEvents, errors]).toEqual([clean.dump[0], clean.dump[2]]);
  });

  it('fails the attempt with a retryable error when the connection drops while a COPY waits between writes', async () => {
    const warehouse = await wh.fresh('dropped');
    // Before the third file, with the batch's COPY open, the server ends the COPY's backend; the
    // COPY stream errors while nothing is writing to it. Unheard, that error would crash the process.
    const dropConnection = async (_file: string, index: number) => {
      if (index !== 2) return;
      const admin = await wh.pg.connect();
      try {
        const { rows } = await admin.query(
          "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE query LIKE '%COPY staging_events%' AND pid <> pg_backend_pid()",
        );
        expect(rows).toEqual([{ ended: true }]);
      } finally {
        await admin.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    };
    await expect(
      runIn(new MockActivityEnvironment(), () =>
        stagePartition('events', input(warehouse), { batchBytes: 1 << 30, batchFiles: 100, beforeFile: dropConnection }),
      ),
    ).rejects.toMatchObject({ type: 'WarehouseUnavailable', nonRetryable: false });
    expect((await wh.rows(warehouse, 'SELECT COUNT(*)::int AS n FROM staging_events'))[0]).toEqual({ n: 0 });
    const retry = await runIn(new MockActivityEnvironment({ attempt: 2 }), activities.copyStagingEvents, input(warehouse));
    expect(retry).toEqual(clean.events);
    expect(await dump(warehouse)).toEqual([clean.dump[0], [], clean.dump[2]]);
  }, 30_000);

  it('does not load twice a batch that committed but was never heartbeated', async () => {
    const warehouse = await wh.fresh('noheartbeat');
    const beats: CopyStagingResult[] = [];
    let commits = 0;
    const dieAfterSecondCommit = () => {
      if (++commits === 2) throw new Error('died between commit and heartbeat');
    };
    await expect(
      runIn(recordingEnv(beats), () =>
        stagePartition('events', input(warehouse), { batchBytes: 1 << 30, batchFiles: 1, afterCommit: dieAfterSecondCommit }),
      ),
    ).rejects.toThrow(/died between commit and heartbeat/);
    const last = beats[beats.length - 1];
    expect(last.filesDone).toBe(1);
    // The second file is in the warehouse although no heartbeat says so.
    expect((await wh.rows(warehouse, 'SELECT COUNT(DISTINCT source_file)::int AS n FROM staging_events'))[0]).toEqual({ n: 2 });

    const second = await runIn(new MockActivityEnvironment({ heartbeatDetails: last, attempt: 2 }), activities.copyStagingEvents, input(warehouse));
    expect(second).toEqual(clean.events);
    expect(await duplicates(warehouse)).toEqual([]);
    expect((await dump(warehouse))[0]).toEqual(clean.dump[0]);
  });

  it('resumes song staging (read-ahead and multi-file batches) after a crash', async () => {
    const warehouse = await wh.fresh('songcrash');
    const beats: CopyStagingResult[] = [];
    await expect(
      runIn(recordingEnv(beats), () =>
        stagePartition('songs', input(warehouse), {
          batchBytes: 1 << 30,
          batchFiles: 5,
          beforeFile: (_file, index) => {
            if (index === 7) throw new Error('simulated crash');
          },
        }),
      ),
    ).rejects.toThrow(/simulated crash/);
    const last = beats[beats.length - 1];
    expect(last.filesDone).toBe(5);
    expect((await wh.rows(warehouse, 'SELECT COUNT(*)::int AS n FROM staging_songs'))[0]).toEqual({ n: 5 });
    const second = await runIn(new MockActivityEnvironment({ heartbeatDetails: last, attempt: 2 }), activities.copyStagingSongs, input(warehouse));
    expect(second).toEqual(clean.songs);
    expect(await duplicates(warehouse)).toEqual([]);
    expect((await dump(warehouse))[1]).toEqual(clean.dump[1]);
  });

  it('stops between batches when cancelled, keeping only committed batches, and a retry completes', async () => {
    const warehouse = await wh.fresh('cancel');
    const beats: CopyStagingResult[] = [];
    const env = recordingEnv(beats);
    env.on('heartbeat', (details: CopyStagingResult) => {
      if (details.filesDone === 2) env.cancel();
    });
    const outcome = await runIn(env, () => stagePartition('events', input(warehouse), { batchBytes: 1 << 30, batchFiles: 1 }))
      .then(() => 'completed', (err: unknown) => err);
    expect(outcome).toBeInstanceOf(CancelledFailure);
    const [progress] = await wh.rows<{ files_done: number; last_file: string }>(warehouse, 'SELECT files_done, last_file FROM staging_progress');
    expect(progress).toEqual({ files_done: 2, last_file: 'log_data/2018/11/2018-11-02-events.json' });
    const loadedFiles = await wh.rows(warehouse, 'SELECT source_file, COUNT(*)::int AS n FROM staging_events GROUP BY 1 ORDER BY 1');
    expect(loadedFiles).toEqual([
      { source_file: 'log_data/2018/11/2018-11-01-events.json', n: 4 },
      { source_file: 'log_data/2018/11/2018-11-02-events.json', n: 3 },
    ]);
    const retry = await runIn(new MockActivityEnvironment({ heartbeatDetails: beats[beats.length - 1], attempt: 2 }), 
      activities.copyStagingEvents,
      input(warehouse),
    );
    expect(retry).toEqual(clean.events);
  });

  it('refuses to commit when another attempt of the partition committed meanwhile', async () => {
    const warehouse = await wh.fresh('conflict');
    let other: CopyStagingResult | undefined;
    const stale = runIn(new MockActivityEnvironment(), () =>
      stagePartition('events', input(warehouse), {
        batchBytes: 1 << 30,
        batchFiles: 1,
        beforeFile: async (_file, index) => {
          // While this attempt is paused (say, a long GC or network partition), a retry runs to the end.
          if (index === 1) other = await runIn(new MockActivityEnvironment({ attempt: 2 }), activities.copyStagingEvents, input(warehouse));
        },
      }),
    );
    await expect(stale).rejects.toMatchObject({ type: 'StagingConflict', nonRetryable: false });
    expect(other).toEqual(clean.events);
    expect(await duplicates(warehouse)).toEqual([]);
    expect((await dump(warehouse))[0]).toEqual(clean.dump[0]);
  });
});

describe('rows longer than SPARKIFY_MAX_LINE_BYTES', () => {
  const limit = 2048;
  const padded = (bytes: number, ts: number) => {
    const base = eventLine({ ts, location: '' });
    return eventLine({ ts, location: 'p'.repeat(bytes - Buffer.byteLength(base)) });
  };
  // Line 2 is long inside one read chunk; line 4 (3 MiB) spans several 1 MiB chunks; the last line
  // is long and has no newline; line 5 is exactly at the limit and loads.
  const lines = [
    eventLine({ ts: 1 }),
    padded(5000, 2),
    eventLine({ ts: 3 }),
    padded(3 * 1024 * 1024, 4),
    padded(limit, 5),
    padded(3000, 6),
  ];
  const bigSong = songFile({ song_id: 'SOBIG', artist_location: 'q'.repeat(3000) });
  let source: SourceRef;
  let warehouse: WarehouseHandle;
  let previous: string | undefined;

  beforeAll(async () => {
    source = writeDataset({
      'log_data/2018/11/a-events.json': lines.join('\n'),
      'song_data/A/SOK.json': songFile({ song_id: 'SOK' }),
      'song_data/A/SOBIG.json': bigSong,
    });
    warehouse = await wh.fresh('long');
    previous = process.env.SPARKIFY_MAX_LINE_BYTES;
    process.env.SPARKIFY_MAX_LINE_BYTES = String(limit);
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.SPARKIFY_MAX_LINE_BYTES;
    else process.env.SPARKIFY_MAX_LINE_BYTES = previous;
    removeDataset(source);
  });

  it('rejects each as one too-long row naming its size and the limit, and loads the rest', async () => {
    const env = new MockActivityEnvironment();
    const events = await runIn(env, activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 });
    const songs = await runIn(env, activities.copyStagingSongs, { warehouse, source, partition: 0, partitions: 1 });
    expect(events).toMatchObject({ linesRead: 6, rowsLoaded: 3, rowsRejected: 3 });
    expect(songs).toMatchObject({ linesRead: 2, rowsLoaded: 1, rowsRejected: 1 });
    expect(await wh.rows(warehouse, 'SELECT source_line AS line, ts::text FROM staging_events ORDER BY source_line')).toEqual([
      { line: 1, ts: '1' }, { line: 3, ts: '3' }, { line: 5, ts: '5' },
    ]);
    const rejected = await wh.rows<{ file: string; line: number; reason_kind: string; reason: string; raw: string }>(
      warehouse,
      'SELECT file, line, reason_kind, reason, raw FROM load_errors ORDER BY file, line',
    );
    const expected = [
      ['log_data/2018/11/a-events.json', 2, lines[1]],
      ['log_data/2018/11/a-events.json', 4, lines[3]],
      ['log_data/2018/11/a-events.json', 6, lines[5]],
      ['song_data/A/SOBIG.json', 1, bigSong],
    ] as const;
    expect(rejected).toEqual(
      expected.map(([file, line, text]) => ({
        file,
        line,
        reason_kind: 'too-long',
        reason: `row of ${Buffer.byteLength(text)} bytes is longer than the limit of ${limit} bytes (SPARKIFY_MAX_LINE_BYTES)`,
        raw: `${text.slice(0, 1024)}…`,
      })),
    );
  });

  it('refuses a malformed setting with a non-retryable ConfigurationError naming it', async () => {
    process.env.SPARKIFY_MAX_LINE_BYTES = '4MB';
    try {
      await expect(
        runIn(new MockActivityEnvironment(), activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 }),
      ).rejects.toMatchObject({ type: 'ConfigurationError', nonRetryable: true, message: expect.stringContaining('SPARKIFY_MAX_LINE_BYTES') });
    } finally {
      process.env.SPARKIFY_MAX_LINE_BYTES = String(limit);
    }
  });
});

describe('a valid 8 MiB event line and song file under a raised limit', () => {
  it('load as one row each (no stack overflow in the parsers)', async () => {
    const warehouse = await wh.fresh('huge');
    // 16 significant digits: the byte path declines the line, so the string paths parse it.
    const line = eventLine({ ts: 7, location: 'h'.repeat(8 * 1024 * 1024) }).replace('"registration":1540919166796', '"registration":1540919166796.125');
    const song = songFile({ song_id: 'SOHUGE', artist_location: 'h'.repeat(8 * 1024 * 1024) });
    const source = writeDataset({ 'log_data/2018/11/huge-events.json': `${line}\n`, 'song_data/H/SOHUGE.json': song });
    const previous = process.env.SPARKIFY_MAX_LINE_BYTES;
    process.env.SPARKIFY_MAX_LINE_BYTES = String(16 * 1024 * 1024);
    try {
      const events = await runIn(new MockActivityEnvironment(), activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 });
      expect(events).toMatchObject({ linesRead: 1, rowsLoaded: 1, rowsRejected: 0 });
      expect(await wh.rows(warehouse, 'SELECT length(location) AS n, registration FROM staging_events')).toEqual([
        { n: 8 * 1024 * 1024, registration: 1540919166796.125 },
      ]);
      const songs = await runIn(new MockActivityEnvironment(), activities.copyStagingSongs, { warehouse, source, partition: 0, partitions: 1 });
      expect(songs).toMatchObject({ linesRead: 1, rowsLoaded: 1, rowsRejected: 0 });
      expect(await wh.rows(warehouse, 'SELECT length(artist_location) AS n FROM staging_songs')).toEqual([{ n: 8 * 1024 * 1024 }]);
    } finally {
      if (previous === undefined) delete process.env.SPARKIFY_MAX_LINE_BYTES;
      else process.env.SPARKIFY_MAX_LINE_BYTES = previous;
      removeDataset(source);
    }
  });
});

describe('staging text that is not plain ASCII', () => {
  const F = 'log_data/2018/11/2018-11-03-events.json';
  // The logs escape "/" as "\/" in user agents.
  const unicodeLine = eventLine({ artist: 'Ñico Sterling', song: 'こころ (Radio Edit)', userAgent: 'Mozilla/5.0', ts: 1 }).replace('Mozilla/5.0', 'Mozilla\\/5.0');
  const escapedLine = '{"auth":"Logged In","itemInSession":0,"level":"free","method":"PUT","page":"Home","sessionId":1,"status":200,"ts":2,"userId":"5","artist":"caf\\u00e9 \\ud83c\\udfb5","song":"a\\/b \\"q\\""}';
  const rejectedLine = '{"artist":"Dóra","ts":"x"}';
  const content = Buffer.concat([
    Buffer.from(`${unicodeLine}\n`, 'utf8'),
    Buffer.from(`${escapedLine}\n`, 'utf8'),
    Buffer.from('\u00a0\u3000\n', 'utf8'), // Unicode spaces only: a blank line
    Buffer.from(`${rejectedLine}\n`, 'utf8'),
    Buffer.from(eventLine({ artist: 'bad-\u0001', ts: 4 }).replace('bad-\\u0001', 'bad-'), 'utf8'),
  ]);
  const invalidUtf8 = Buffer.concat([Buffer.from(eventLine({ artist: 'XX', ts: 5 }).split('XX')[0]), Buffer.from([0xff, 0xfe]), Buffer.from(eventLine({ artist: 'XX', ts: 5 }).split('XX')[1])]);
  let source: SourceRef;
  let warehouse: WarehouseHandle;
  let result: CopyStagingResult;

  beforeAll(async () => {
    source = writeDataset({ [F]: content, 'log_data/2018/11/2018-11-04-events.json': invalidUtf8 });
    warehouse = await wh.fresh('unicode');
    result = await runIn(new MockActivityEnvironment(), activities.copyStagingEvents, { warehouse, source, partition: 0, partitions: 1 });
  });
  afterAll(() => removeDataset(source));

  it('keeps UTF-8 text, decodes JSON escapes, and treats Unicode-space lines as blank', async () => {
    expect(result).toMatchObject({ filesDone: 2, linesRead: 5, rowsLoaded: 4, rowsRejected: 1 });
    const rows = await wh.rows(warehouse, 'SELECT source_file, source_line, artist, song, user_agent FROM staging_events ORDER BY source_file, source_line');
    expect(rows).toEqual([
      { source_file: F, source_line: 1, artist: 'Ñico Sterling', song: 'こころ (Radio Edit)', user_agent: 'Mozilla/5.0' },
      { source_file: F, source_line: 2, artist: 'café 🎵', song: 'a/b "q"', user_agent: null },
      { source_file: F, source_line: 5, artist: 'bad-', song: null, user_agent: 'UA' },
      { source_file: 'log_data/2018/11/2018-11-04-events.json', source_line: 1, artist: '\ufffd\ufffd', song: null, user_agent: 'UA' },
    ]);
  });

  it('records a rejected non-ASCII line with its exact text', async () => {
    const rows = await wh.rows(warehouse, 'SELECT file, line, raw, reason_kind, reason FROM load_errors');
    expect(rows).toEqual([
      { file: F, line: 4, raw: rejectedLine, reason_kind: 'missing-field', reason: 'field "auth": required, missing' },
    ]);
  });
});
