import type { Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';

/** One input file, named by its path relative to the source root with `/` separators. */
export interface SourceFile {
  path: string;
  size: number;
}

/** Where the Sparkify files come from. Listing streams in path order, so memory stays flat. */
export interface Source {
  readonly ref: SourceRef;
  /** Every file of one kind, sorted by path (JavaScript string order). */
  files(kind: StagingKind): AsyncIterable<SourceFile>;
  /** The same paths without sizes: cheaper (no stat per file) when sizes are not needed. */
  paths(kind: StagingKind): AsyncIterable<string>;
  /** A whole file (song files are small). */
  readFile(path: string): Promise<Buffer>;
  /** A file's bytes as a stream (event files can be large). */
  openStream(path: string): Readable;
}

/** The directory of each kind's files in the Sparkify layout. */
export const KIND_DIRECTORIES: Readonly<Record<StagingKind, string>> = {
  events: 'log_data',
  songs: 'song_data',
};
