/**
 * Source errors are classified with a short message naming the path: a symlink loop or a
 * permission problem fails at once, a file that vanished after listing is retried.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import { stagePartition } from '../../src/activities/staging/stage-partition';
import type { SourceRef, WarehouseHandle } from '../../src/contract';
import { openSource } from '../../src/sources';
import { sourcePathError } from '../../src/sources/errors';
import { eventLine, runIn, songFile, startWarehouseForTests, writeDataset, removeDataset, type WarehouseForTests } from '../activities/support';

let wh: WarehouseForTests;
beforeAll(async () => {
  wh = await startWarehouseForTests('source_errors');
}, 90_000);
afterAll(() => wh?.stop(), 60_000);

function withLoop(link: string, target: string): SourceRef & { path: string } {
  const source = writeDataset({
    'log_data/2018/11/a-events.json': eventLine({}),
    'song_data/A/SOA.json': songFile({ song_id: 'SOA' }),
  });
  fs.symlinkSync(target, path.join(source.path, link));
  return source;
}

describe('a symlink loop in the source', () => {
  it('back to an ancestor directory fails planning at once, non-retryable, naming the link', async () => {
    const source = withLoop('log_data/2018/11/again', '../..');
    try {
      await expect(runIn(new MockActivityEnvironment(), activities.planStaging, { source, partitions: 2 })).rejects.toMatchObject({
        type: 'SourceLoop',
        nonRetryable: true,
        message: `source symlink loop: ${path.join(source.path, 'log_data/2018/11/again')} points to ${fs.realpathSync(path.join(source.path, 'log_data'))}, a directory above it`,
      });
    } finally {
      removeDataset(source);
    }
  });

  it('to the source root, above the listed directory, fails at once naming the link', async () => {
    const source = withLoop('song_data/A/root', '../..');
    try {
      await expect(runIn(new MockActivityEnvironment(), activities.planStaging, { source, partitions: 2 })).rejects.toMatchObject({
        type: 'SourceLoop',
        nonRetryable: true,
        message: `source symlink loop: ${path.join(source.path, 'song_data/A/root')} points to ${fs.realpathSync(source.path)}, a directory above it`,
      });
    } finally {
      removeDataset(source);
    }
  });

  it('onto itself (ELOOP) fails at once, non-retryable, naming the link', async () => {
    const source = withLoop('song_data/A/self', 'self');
    try {
      await expect(runIn(new MockActivityEnvironment(), activities.planStaging, { source, partitions: 2 })).rejects.toMatchObject({
        type: 'SourceLoop',
        nonRetryable: true,
        message: `source symlink loop: ${path.join(source.path, 'song_data/A/self')} (ELOOP)`,
      });
    } finally {
      removeDataset(source);
    }
  });
});

describe('a file that vanishes after it was listed', () => {
  let warehouse: WarehouseHandle;
  beforeAll(async () => {
    warehouse = await wh.fresh('vanish');
  });

  it('fails the events attempt with a retryable SourceFileVanished naming it', async () => {
    const source = writeDataset({
      'log_data/2018/11/a-events.json': eventLine({ ts: 1 }),
      'log_data/2018/11/b-events.json': eventLine({ ts: 2 }),
    });
    const second = path.join(source.path, 'log_data/2018/11/b-events.json');
    try {
      const removeSecond = (_file: string, index: number) => {
        if (index === 1) fs.rmSync(second);
      };
      await expect(
        runIn(new MockActivityEnvironment(), () =>
          stagePartition('events', { warehouse, source, partition: 0, partitions: 1 }, { batchBytes: 1 << 30, batchFiles: 100, beforeFile: removeSecond }),
        ),
      ).rejects.toMatchObject({
        type: 'SourceFileVanished',
        nonRetryable: false,
        message: `source file vanished after it was listed: ${second} (ENOENT); the retry lists the source again`,
      });
    } finally {
      removeDataset(source);
    }
  });

  it('a song file read after it vanished is a retryable SourceFileVanished naming it', async () => {
    const source = writeDataset({ 'song_data/A/SOA.json': songFile({ song_id: 'SOA' }) });
    try {
      const opened = await openSource(source);
      fs.rmSync(path.join(source.path, 'song_data/A/SOA.json'));
      await expect(opened.readFile('song_data/A/SOA.json')).rejects.toMatchObject({
        type: 'SourceFileVanished',
        nonRetryable: false,
        message: expect.stringContaining(`${path.join(source.path, 'song_data/A/SOA.json')} (ENOENT)`),
      });
    } finally {
      removeDataset(source);
    }
  });
});

describe('sourcePathError', () => {
  const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code, syscall: 'open' });
  it('classifies by errno code, naming the path', () => {
    const cases = [
      ['EACCES', 'SourceUnreadable', true, 'source permission denied: /data/x.json (EACCES)'],
      ['EPERM', 'SourceUnreadable', true, 'source permission denied: /data/x.json (EPERM)'],
      ['ELOOP', 'SourceLoop', true, 'source symlink loop: /data/x.json (ELOOP)'],
      ['ENOENT', 'SourceFileVanished', false, 'source file vanished after it was listed: /data/x.json (ENOENT); the retry lists the source again'],
      ['EIO', 'SourceUnavailable', false, 'source read failed: /data/x.json (EIO)'],
      ['EMFILE', 'SourceUnavailable', false, 'source read failed: /data/x.json (EMFILE)'],
      ['EISDIR', 'SourceNotFound', true, 'source not found or unreadable: /data/x.json: EISDIR'],
    ] as const;
    for (const [code, type, nonRetryable, message] of cases) {
      expect({ code, ...pick(sourcePathError('/data/x.json', errno(code))) }).toEqual({ code, type, nonRetryable, message });
    }
  });
});

function pick(failure: { type?: string | null; nonRetryable?: boolean | null; message: string }) {
  return { type: failure.type, nonRetryable: failure.nonRetryable, message: failure.message };
}

