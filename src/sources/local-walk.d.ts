/** Types of local-walk.js (plain JavaScript, so the read threads run it without a loader). */

/** Why a walk stopped, as plain data. */
export interface WalkFailureData {
  kind: 'path' | 'loop';
  /** The path that failed, or the symlink that loops. */
  path: string;
  /** loop: the directory the symlink resolves to. */
  real?: string;
  code?: string;
  message?: string;
}

export class WalkFailure extends Error {
  walkFailure: WalkFailureData;
}

/** A listed file: its path relative to the source root (`song_data/…`) and on this machine. */
export interface ListedFile {
  relative: string;
  absolute: string;
}

export function listTree(directory: string, relativeTop: string): Generator<ListedFile, void, undefined>;
