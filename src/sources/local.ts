import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';
import { sourceLoop, sourceNotFound, sourcePathError } from './errors';
import { KIND_DIRECTORIES, type Source, type SourceFile } from './source';

const READ_CHUNK = 1 << 20;

/**
 * A local directory in the Sparkify layout: song_data/**\/*.json, log_data/YYYY/MM/*.json and an
 * optional log_json_path.json (used only by Redshift's COPY, ignored here).
 */
export class LocalSource implements Source {
  private constructor(
    readonly ref: SourceRef,
    private readonly root: string,
  ) {}

  /** Fails fast (SourceNotFound) unless the root is a readable directory with song_data/ or log_data/. */
  static async open(ref: SourceRef): Promise<LocalSource> {
    const root = path.resolve(ref.path);
    try {
      const stat = await fsp.stat(root);
      if (!stat.isDirectory()) throw new Error('not a directory');
      await fsp.access(root, fs.constants.R_OK | fs.constants.X_OK);
    } catch (err) {
      throw sourceNotFound(root, err);
    }
    const present = await Promise.all(
      Object.values(KIND_DIRECTORIES).map((dir) =>
        fsp.stat(path.join(root, dir)).then((s) => s.isDirectory(), () => false),
      ),
    );
    if (!present.some(Boolean)) {
      throw sourceNotFound(`${root} (neither song_data/ nor log_data/ is in it)`);
    }
    return new LocalSource(ref, root);
  }

  async *files(kind: StagingKind): AsyncIterable<SourceFile> {
    for await (const relative of this.paths(kind)) {
      const stat = await fsp.stat(path.join(this.root, relative)).catch((err) => {
        throw sourcePathError(path.join(this.root, relative), err);
      });
      yield { path: relative, size: stat.size };
    }
  }

  async *paths(kind: StagingKind): AsyncIterable<string> {
    const top = KIND_DIRECTORIES[kind];
    const absolute = path.join(this.root, top);
    const exists = await fsp.stat(absolute).then((s) => s.isDirectory(), () => false);
    if (!exists) return;
    const real = realDirectory(absolute);
    yield* this.walk(top, real, new Set([real]));
  }

  /**
   * Depth-first over sorted entries. A directory sorts as its name plus "/", which makes the
   * depth-first order equal to sorting the full relative paths. `above` holds the real paths of
   * the directories being walked, so a symlink back to one of them is a loop, reported at once.
   */
  private async *walk(relativeDir: string, realDir: string, above: Set<string>): AsyncIterable<string> {
    let entries: fs.Dirent[];
    try {
      // Synchronous on purpose: a local readdir or small read costs microseconds, far less than a
      // thread-pool round trip and its promises (Sparkify has ~1 directory per song file).
      entries = fs.readdirSync(path.join(this.root, relativeDir), { withFileTypes: true });
    } catch (err) {
      throw sourcePathError(path.join(this.root, relativeDir), err);
    }
    const keyed: { key: string; entry: fs.Dirent; isDir: boolean; real?: string }[] = [];
    for (const entry of entries) {
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let real: string | undefined;
      if (entry.isSymbolicLink()) {
        const link = path.join(this.root, relativeDir, entry.name);
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
          yield* this.walk(relative, dirReal, above);
        } finally {
          above.delete(dirReal);
        }
      } else {
        yield relative;
      }
    }
  }

  private absolute(relative: string): string {
    const file = path.resolve(this.root, relative);
    if (!file.startsWith(this.root + path.sep)) throw sourceNotFound(`${relative} (outside the source root)`);
    return file;
  }

  async readFile(relative: string): Promise<Buffer> {
    try {
      // Synchronous for the same reason as readdir above: song files are a few hundred bytes.
      return fs.readFileSync(this.absolute(relative));
    } catch (err) {
      throw sourcePathError(path.join(this.root, relative), err);
    }
  }

  openStream(relative: string): Readable {
    const file = this.absolute(relative);
    const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
    return stream;
  }
}

/** The real path of a directory (symlinks resolved); ELOOP and the like are classified. */
function realDirectory(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch (err) {
    throw sourcePathError(dir, err);
  }
}
