import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';
import { sourceChanged, sourceLoop, sourceNotFound, sourcePathError } from './errors';
import { KIND_DIRECTORIES, sourceLocations, type SourceLocations } from '../contract/source-location';
import { listOnThreads, readOnThread, type ListedBatch, type ThreadListing, type ThreadRead } from './local-read-pool';
import { listTree, WalkFailure, type ListedFile, type WalkFailureData } from './local-walk';
import type { PlannedRead, Source, SourceFile } from './source';

const READ_CHUNK = 1 << 20;
/**
 * A listing with sizes runs on the read threads, each walking and stat'ing its share of the tree,
 * in batches (together about this many files), up to LIST_AHEAD batches each ahead of their
 * consumer: the consumer (the plan's COPY) keeps the activity's thread, merging the shares in
 * path order; the readdirs and stats run beside it.
 */
const LIST_BATCH = 1024;
const LIST_AHEAD = 3;

/**
 * A local directory in the Sparkify layout: song_data/**\/*.json, log_data/YYYY/MM/*.json and an
 * optional log_json_path.json (used only by Redshift's COPY, ignored here) — or the two
 * directories given separately. Paths are relative to the layout either way (`log_data/…`).
 */
export class LocalSource implements Source {
  /** Local reads cost microseconds; a little read-ahead overlaps them with the COPY. */
  readonly readAhead = 64;

  private constructor(
    readonly ref: SourceRef,
    private readonly directories: SourceLocations<string>,
  ) {}

  /** Fails fast (SourceNotFound) unless the locations are readable directories holding Sparkify files. */
  static async open(ref: SourceRef): Promise<LocalSource> {
    const directories = sourceLocations(ref, (value) => path.resolve(value), (root, directory) => path.join(root, directory));
    const isDirectory = (dir: string) => fsp.stat(dir).then((s) => s.isDirectory(), () => false);
    if (ref.path !== undefined) {
      const root = path.resolve(ref.path);
      try {
        const stat = await fsp.stat(root);
        if (!stat.isDirectory()) throw new Error('not a directory');
        await fsp.access(root, fs.constants.R_OK | fs.constants.X_OK);
      } catch (err) {
        throw sourceNotFound(root, err);
      }
      const present = await Promise.all(Object.values(directories).map(isDirectory));
      if (!present.some(Boolean)) throw sourceNotFound(`${root} (neither song_data/ nor log_data/ is in it)`);
    } else {
      for (const dir of Object.values(directories)) {
        try {
          await fsp.access(dir, fs.constants.R_OK | fs.constants.X_OK);
        } catch (err) {
          throw sourceNotFound(dir, err);
        }
        if (!(await isDirectory(dir))) throw sourceNotFound(`${dir} (not a directory)`);
      }
    }
    return new LocalSource(ref, directories);
  }

  async *files(kind: StagingKind): AsyncIterable<SourceFile> {
    const directory = this.directories[kind];
    if (directory === undefined) return;
    const listings = listOnThreads(directory, KIND_DIRECTORIES[kind]);
    if (listings.length === 0) {
      yield* statHere(this.listing(kind));
      return;
    }
    const batch = Math.max(1, Math.ceil(LIST_BATCH / listings.length));
    const shares = listings.map((listing) => new ShareCursor(listing, batch));
    try {
      for (;;) {
        // The shares' files are disjoint and each in path order: the least head is the next file.
        let least: ShareCursor | undefined;
        let file: SharedFile | undefined;
        for (const share of shares) {
          // Awaited only when the share's batch is used up: an await per file would cost more than the merge.
          const head = share.head() ?? (await share.nextBatch());
          if (head && (!file || head.relative < file.relative)) [least, file] = [share, head];
        }
        if (!least || !file) return;
        least.skip();
        if ('error' in file) throw sourcePathError(this.absolute(file.relative), threadError(file.error));
        yield { path: file.relative, size: file.size };
      }
    } finally {
      for (const listing of listings) listing.close();
    }
  }

  async *paths(kind: StagingKind): AsyncIterable<string> {
    for (const { relative } of this.listing(kind)) yield relative;
  }

  /** The files of one kind in path order, walked on this thread (local-walk.js). */
  private *listing(kind: StagingKind): Iterable<ListedFile> {
    const directory = this.directories[kind];
    if (directory === undefined) return;
    try {
      yield* listTree(directory, KIND_DIRECTORIES[kind]);
    } catch (err) {
      throw err instanceof WalkFailure ? walkError(err.walkFailure) : err;
    }
  }

  /** The absolute file of a relative path (`log_data/…` or `song_data/…`), never outside its directory. */
  private absolute(relative: string): string {
    const slash = relative.indexOf('/');
    const top = relative.slice(0, slash);
    const kind = (Object.keys(KIND_DIRECTORIES) as StagingKind[]).find((k) => KIND_DIRECTORIES[k] === top);
    const directory = kind === undefined ? undefined : this.directories[kind];
    if (slash < 0 || directory === undefined) throw sourceNotFound(`${relative} (not a path of this source)`);
    const file = path.resolve(directory, relative.slice(slash + 1));
    if (!file.startsWith(directory + path.sep)) throw sourceNotFound(`${relative} (outside the source root)`);
    return file;
  }

  describe(relative: string): string {
    try {
      return this.absolute(relative);
    } catch {
      return relative;
    }
  }

  async readFile(relative: string, planned?: SourceFile): Promise<Buffer> {
    const file = this.absolute(relative);
    let content: Buffer;
    try {
      // Synchronous for the same reason as readdir above: song files are a few hundred bytes.
      content = fs.readFileSync(file);
    } catch (err) {
      return checkedRead(file, planned, { error: err });
    }
    return checkedRead(file, planned, { content, size: content.length });
  }

  /** Read on a pool thread (local-read-pool.ts), checked against the plan like readFile. */
  async readFiles(files: readonly PlannedRead[]): Promise<(Buffer | Error)[]> {
    const absolutes: string[] = [];
    const failures = new Map<number, Error>();
    files.forEach((f, i) => {
      try {
        absolutes.push(this.absolute(f.path));
      } catch (err) {
        failures.set(i, err as Error);
        absolutes.push('');
      }
    });
    const pending = readOnThread(absolutes, files.map((f, i) => (failures.has(i) || !f.planned ? -1 : f.planned.size)));
    if (!pending) return Promise.all(files.map((f) => this.readFile(f.path, f.planned).catch((err: Error) => err)));
    const reads = await pending;
    return files.map((f, i) => {
      const failure = failures.get(i);
      if (failure) return failure;
      try {
        return checkedRead(absolutes[i], f.planned, reads[i]);
      } catch (err) {
        return err as Error;
      }
    });
  }

  openStream(relative: string, planned?: SourceFile): Readable {
    const file = this.absolute(relative);
    const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
    if (!planned) return stream;
    // Checked as the bytes pass: a size change fails the file before its batch commits.
    let bytes = 0;
    const checked = new PassThrough({ highWaterMark: READ_CHUNK });
    stream.on('error', (err) => {
      checked.destroy((err as NodeJS.ErrnoException).code === 'ENOENT' ? sourceChanged(file, 'vanished') : sourcePathError(file, err));
    });
    stream.on('data', (chunk: string | Buffer) => {
      bytes += chunk.length;
      if (!checked.write(chunk)) stream.pause();
    });
    checked.on('drain', () => stream.resume());
    stream.on('end', () => {
      if (bytes !== planned.size) checked.destroy(sourceChanged(file, `changed (size ${planned.size} → ${bytes} bytes)`));
      else checked.end();
    });
    checked.on('close', () => stream.destroy());
    return checked;
  }
}

/** Listed files with their sizes, stat'ed on this thread (the read threads are disabled). */
function* statHere(files: Iterable<ListedFile>): Iterable<SourceFile> {
  for (const { relative, absolute } of files) {
    let size: number;
    try {
      // Synchronous, like the walk: a stat costs microseconds, its thread-pool round trip far more.
      size = fs.statSync(absolute).size;
    } catch (err) {
      throw sourcePathError(absolute, err);
    }
    yield { path: relative, size };
  }
}

/** What one read of `file` means against its plan: its bytes, or the failure naming the file. */
function checkedRead(file: string, planned: SourceFile | undefined, read: ThreadRead | { error: unknown }): Buffer {
  if ('error' in read) {
    const err = read.error as { code?: string; message?: string } | undefined;
    if (planned && err?.code === 'ENOENT') throw sourceChanged(file, 'vanished');
    throw sourcePathError(file, err instanceof Error ? err : threadError(err ?? {}));
  }
  if (planned && read.size !== planned.size) {
    throw sourceChanged(file, `changed (size ${planned.size} → ${read.size} bytes)`);
  }
  return read.content;
}

/** The source failure a stopped walk names: a symlink loop, or the path that could not be read (classified by its code). */
function walkError(failure: WalkFailureData): Error {
  if (failure.kind === 'loop') return sourceLoop(failure.path, failure.real ?? '');
  return sourcePathError(failure.path, threadError(failure));
}

/** An error from a read thread (or the walk) arrives as plain data: its Error shape back, code included. */
function threadError(data: { code?: string; message?: string }): Error {
  return Object.assign(new Error(data.message), { code: data.code });
}

/** One share of a split listing, read batch by batch (LIST_AHEAD requests out), for the merge in LocalSource.files. */
class ShareCursor {
  private readonly ahead: Promise<ListedBatch>[] = [];
  private files: SharedFile[] = [];
  private index = 0;
  private ended = false;
  private failure: WalkFailureData | undefined;

  constructor(
    private readonly listing: ThreadListing,
    private readonly batch: number,
  ) {}

  /** The next file of this share (not taken) when its batch has one; else undefined (see nextBatch). */
  head(): SharedFile | undefined {
    return this.files[this.index];
  }

  /**
   * Once the batch is used up: the first file of the next batch that has one, or undefined when
   * the share has none left; after the files before it, the walk's failure.
   */
  async nextBatch(): Promise<SharedFile | undefined> {
    while (this.index >= this.files.length) {
      if (this.failure) throw walkError(this.failure);
      if (this.ended) return undefined;
      while (this.ahead.length < LIST_AHEAD) {
        const next = this.listing.next(this.batch);
        // Awaited in turn below; a listing abandoned half-way must not leave a rejection unheard.
        next.catch(() => undefined);
        this.ahead.push(next);
      }
      const batch = await (this.ahead.shift() as Promise<ListedBatch>);
      this.files = batch.files;
      this.index = 0;
      this.failure = batch.failure;
      this.ended = batch.done;
    }
    return this.files[this.index];
  }

  /** Moves past the head. */
  skip(): void {
    this.index++;
  }
}

/** A file of a thread's listing: its size, or the failed stat. */
type SharedFile = ListedBatch['files'][number];
