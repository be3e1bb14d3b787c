import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';
import { sourceNotFound } from './errors';
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
        throw sourceNotFound(path.join(this.root, relative), err);
      });
      yield { path: relative, size: stat.size };
    }
  }

  async *paths(kind: StagingKind): AsyncIterable<string> {
    const top = KIND_DIRECTORIES[kind];
    const absolute = path.join(this.root, top);
    const exists = await fsp.stat(absolute).then((s) => s.isDirectory(), () => false);
    if (!exists) return;
    yield* this.walk(top);
  }

  /**
   * Depth-first over sorted entries. A directory sorts as its name plus "/", which makes the
   * depth-first order equal to sorting the full relative paths.
   */
  private async *walk(relativeDir: string): AsyncIterable<string> {
    let entries: fs.Dirent[];
    try {
      // Synchronous on purpose: a local readdir or small read costs microseconds, far less than a
      // thread-pool round trip and its promises (Sparkify has ~1 directory per song file).
      entries = fs.readdirSync(path.join(this.root, relativeDir), { withFileTypes: true });
    } catch (err) {
      throw sourceNotFound(path.join(this.root, relativeDir), err);
    }
    const keyed: { key: string; entry: fs.Dirent; isDir: boolean }[] = [];
    for (const entry of entries) {
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        const target = fs.statSync(path.join(this.root, relativeDir, entry.name), { throwIfNoEntry: false });
        isDir = target?.isDirectory() ?? false;
        isFile = target?.isFile() ?? false;
      }
      if (isDir) keyed.push({ key: entry.name + '/', entry, isDir: true });
      else if (isFile && entry.name.endsWith('.json')) keyed.push({ key: entry.name, entry, isDir: false });
    }
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { entry, isDir } of keyed) {
      const relative = `${relativeDir}/${entry.name}`;
      if (isDir) yield* this.walk(relative);
      else yield relative;
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
      throw sourceNotFound(path.join(this.root, relative), err);
    }
  }

  openStream(relative: string): Readable {
    const file = this.absolute(relative);
    const stream = fs.createReadStream(file, { highWaterMark: READ_CHUNK });
    return stream;
  }
}
