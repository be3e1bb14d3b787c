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

/** One share of a listing split among `of` walkers (0 <= index < of). */
export interface ListingShare {
  index: number;
  of: number;
}

export function listTree(directory: string, relativeTop: string, share?: ListingShare): Generator<ListedFile, void, undefined>;
