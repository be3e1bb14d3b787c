import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';
import { sourceChanged, sourceLoop, sourceNotFound, sourcePathError } from './errors';
import { KIND_DIRECTORIES, sourceLocations, type SourceLocations } from '../contract/source-location';
import { readOnThread, statOnThread, type ThreadRead, type ThreadStat } from './local-read-pool';
import type { PlannedRead, Source, SourceFile } from './source';

const READ_CHUNK = 1 << 20;
/**
 * A listing's files are stat'ed on the read threads in batches of this many, up to STATS_AHEAD
 * batches ahead of its consumer: the walk and the consumer (the plan's COPY) keep the activity's
 * thread, and the stats (half the listing's time) run beside them.
 */
const STAT_BATCH = 1024;
const STATS_AHEAD = 3;

/** A listed file: its path relative to the source root (`song_data/…`) and on this machine. */
interface ListedFile {
  relative: string;
  absolute: string;
}

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
    const ahead: { files: ListedFile[]; stats: Promise<ThreadStat[]> }[] = [];
    let batch: ListedFile[] = [];
    const send = (): boolean => {
      const stats = statOnThread(batch.map((file) => file.absolute));
      if (!stats) return false;
      // Awaited in turn below; a listing abandoned half-way must not leave a rejection unheard.
      stats.catch(() => undefined);
      ahead.push({ files: batch, stats });
      batch = [];
      return true;
    };
    for (const file of this.listing(kind)) {
      batch.push(file);
      if (batch.length < STAT_BATCH) continue;
      if (!send()) {
        yield* statHere(batch);
        batch = [];
      }
      const due = ahead.length >= STATS_AHEAD ? ahead.shift() : undefined;
      if (due) yield* sized(due.files, await due.stats);
    }
    if (batch.length > 0 && !send()) yield* statHere(batch);
    for (const due of ahead) yield* sized(due.files, await due.stats);
  }

  async *paths(kind: StagingKind): AsyncIterable<string> {
    for (const { relative } of this.listing(kind)) yield relative;
  }

  /** The relative paths of one kind in path order, walked synchronously (see walk). */
  private *listing(kind: StagingKind): Iterable<ListedFile> {
    const directory = this.directories[kind];
    if (directory === undefined) return;
    if (!isDirectorySync(directory)) return;
    const real = realDirectory(directory);
    // The top directory and everything above it (the source root included): a link to any of
    // them would list this tree again.
    const above = new Set<string>();
    for (let dir = real; !above.has(dir); dir = path.dirname(dir)) above.add(dir);
    yield* this.walk(directory, KIND_DIRECTORIES[kind], real, above);
  }

  /**
   * Depth-first over sorted entries. A directory sorts as its name plus "/", which makes the
   * depth-first order equal to sorting the full relative paths. `above` holds the real paths of
   * the directories being walked and of those above them, so a symlink back to one of them is a
   * loop, reported at once.
   */
  private *walk(absoluteDir: string, relativeDir: string, realDir: string, above: Set<string>): Iterable<ListedFile> {
    let entries: fs.Dirent[];
    try {
      // Synchronous on purpose: a local readdir or small read costs microseconds, far less than a
      // thread-pool round trip and its promises (Sparkify has ~1 directory per 5 song files). A
      // synchronous generator also passes each path up the recursion without a promise per level.
      entries = fs.readdirSync(absoluteDir, { withFileTypes: true });
    } catch (err) {
      throw sourcePathError(absoluteDir, err);
    }
    const keyed: { key: string; entry: fs.Dirent; isDir: boolean; real?: string }[] = [];
    for (const entry of entries) {
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real: string | undefined;
      if (entry.isSymbolicLink()) {
        const link = path.join(absoluteDir, entry.name);
        let target: fs.Stats | undefined;
        try {
          target = fs.statSync(link, { throwIfNoEntry: false });
        } catch (err) {
          throw sourcePathError(link, err);
        }
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
        if (isDir) {
          real = realDirectory(link);
          if (above.has(real)) throw sourceLoop(link, real);
        }
      }
      if (isDir) keyed.push({ key: entry.name + '/', entry, isDir: true, real });
      else if (isFile && entry.name.endsWith('.json')) keyed.push({ key: entry.name, entry, isDir: false });
    }
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { entry, isDir, real } of keyed) {
      const relative = `${relativeDir}/${entry.name}`;
      if (isDir) {
        const dirReal = real ?? path.join(realDir, entry.name);
        above.add(dirReal);
        try {
          yield* this.walk(path.join(absoluteDir, entry.name), relative, dirReal, above);
        } finally {
          above.delete(dirReal);
        }
      } else {
        yield { relative, absolute: absoluteDir + path.sep + entry.name };
      }
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

/** Listed files with their sizes from a read thread; a failed stat fails the listing, naming the file. */
function* sized(files: ListedFile[], stats: ThreadStat[]): Iterable<SourceFile> {
  for (let i = 0; i < files.length; i++) {
    const stat = stats[i];
    // An error from a read thread arrives as plain data: give it back its Error shape.
    if ('error' in stat) throw sourcePathError(files[i].absolute, Object.assign(new Error(stat.error.message), { code: stat.error.code }));
    yield { path: files[i].relative, size: stat.size };
  }
}

/** Listed files with their sizes, stat'ed on this thread (the read threads are disabled). */
function* statHere(files: ListedFile[]): Iterable<SourceFile> {
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

function isDirectorySync(dir: string): boolean {
  try {
    return fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

/** What one read of `file` means against its plan: its bytes, or the failure naming the file. */
function checkedRead(file: string, planned: SourceFile | undefined, read: ThreadRead | { error: unknown }): Buffer {
  if ('error' in read) {
    const err = read.error as { code?: string; message?: string } | undefined;
    if (planned && err?.code === 'ENOENT') throw sourceChanged(file, 'vanished');
    // An error from a read thread arrives as plain data: give it back its Error shape.
    throw sourcePathError(file, err instanceof Error ? err : Object.assign(new Error(err?.message), { code: err?.code }));
  }
  if (planned && read.size !== planned.size) {
    throw sourceChanged(file, `changed (size ${planned.size} → ${read.size} bytes)`);
  }
  return read.content;
}

/** The real path of a directory (symlinks resolved); ELOOP and the like are classified. */
function realDirectory(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch (err) {
    throw sourcePathError(dir, err);
  }
}
