import type { Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';

/**
 * One input file, named by its path relative to the source root with `/` separators
 * (`log_data/…` or `song_data/…`, whichever way the locations were given).
 */
export interface SourceFile {
  path: string;
  size: number;
  /** A version tag when the store has one (S3's ETag); a changed file gets a different one. */
  etag?: string;
}

/** A file to read, with what the plan recorded for it when there is a plan. */
export interface PlannedRead {
  path: string;
  planned?: SourceFile;
}

/** Where the Sparkify files come from. Listing streams in path order, so memory stays flat. */
export interface Source {
  readonly ref: SourceRef;
  /** Every file of one kind, sorted by path (JavaScript string order). */
  files(kind: StagingKind): AsyncIterable<SourceFile>;
  /** The same paths without sizes: cheaper (no stat per file) when sizes are not needed. */
  paths(kind: StagingKind): AsyncIterable<string>;
  /**
   * A whole file (song files are small). With `planned`, a file that vanished or whose size or
   * ETag differs fails with a non-retryable SourceChanged naming it.
   */
  readFile(path: string, planned?: SourceFile): Promise<Buffer>;
  /**
   * Many whole files at once, for stores where a batch is cheaper than the same reads one by one
   * (local files: one thread round trip for hundreds of small files). Each entry is the file's
   * bytes or the failure readFile would have thrown for it. Absent: callers use readFile.
   */
  readFiles?(files: readonly PlannedRead[]): Promise<(Buffer | Error)[]>;
  /** A file's bytes as a stream (event files can be large), checked against `planned` likewise. */
  openStream(path: string, planned?: SourceFile): Readable;
  /** How many whole-file reads to keep in flight: enough to hide the store's per-request latency. */
  readonly readAhead: number;
  /** Where a relative path lives, for messages (a local path or an s3:// URL). */
  describe(path: string): string;
}

export { KIND_DIRECTORIES } from '../contract/source-location';
