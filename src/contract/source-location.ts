/**
 * Where each kind of Sparkify file lives, from a SourceRef: one root holding log_data/ and
 * song_data/, or the separate locations of dwh.cfg's [S3] section (LOG_DATA, SONG_DATA,
 * LOG_JSONPATH). Pure (no Node imports): the workflow validates its input with it too.
 */
import type { SourceRef, StagingKind } from './source';

/** A bucket and a key prefix that is empty or ends with "/". */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** The directory (local) or bucket/prefix (s3) of each kind. A kind without a location has no files. */
export interface SourceLocations<L> {
  events?: L;
  songs?: L;
}

/** A location the ref does not describe validly; `field` names the SourceRef field. */
export class SourceLocationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SourceLocationError';
  }
}

/** The Sparkify layout's directory of each kind; file paths are relative to the root through it. */
export const KIND_DIRECTORIES: Readonly<Record<StagingKind, string>> = {
  events: 'log_data',
  songs: 'song_data',
};

const SEPARATE_FIELDS: Readonly<Record<StagingKind, 'logData' | 'songData'>> = {
  events: 'logData',
  songs: 'songData',
};

/** Fields of SourceRef a location can be given in, for messages. */
export const LOCATION_FIELDS = ['path', 'logData', 'songData'] as const;

/**
 * `s3://bucket/prefix` → bucket and prefix ("" or ending with "/"). Bucket names follow S3's
 * rules loosely (3–63 of a-z 0-9 . -); keys are taken as written.
 */
export function parseS3Url(url: string, field: string): S3Location {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/i.exec(url.trim());
  if (!match) throw new SourceLocationError(field, `${field} must be s3://bucket/prefix, got ${JSON.stringify(url)}`);
  const bucket = match[1];
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new SourceLocationError(field, `${field}: "${bucket}" is not a valid bucket name (3-63 of a-z 0-9 . -)`);
  }
  let prefix = match[2] ?? '';
  prefix = prefix.replace(/^\/+/, '');
  if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
  return { bucket, prefix };
}

export function isS3Url(location: string): boolean {
  return /^s3:\/\//i.test(location.trim());
}

/** The s3:// URL of a location, for messages and summaries. */
export function s3Url(location: S3Location, rest = ''): string {
  return `s3://${location.bucket}/${location.prefix}${rest}`;
}

function nonEmpty(ref: SourceRef, field: 'path' | 'logData' | 'songData'): string | undefined {
  const value = ref[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SourceLocationError(field, `source.${field} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * The location of each kind. `path` (a root) and the separate `logData`/`songData` exclude each
 * other; at least one location is required. `toLocation` turns one string into a location
 * (a directory for local, a bucket/prefix for s3); `child` appends the kind's directory to a root.
 */
export function sourceLocations<L>(
  ref: SourceRef,
  toLocation: (value: string, field: string) => L,
  child: (root: L, directory: string) => L,
): SourceLocations<L> {
  const root = nonEmpty(ref, 'path');
  const separate = { events: nonEmpty(ref, 'logData'), songs: nonEmpty(ref, 'songData') };
  if (root !== undefined && (separate.events !== undefined || separate.songs !== undefined)) {
    throw new SourceLocationError('path', 'source.path (one root) and source.logData/songData (separate locations) exclude each other');
  }
  if (root !== undefined) {
    const rootLocation = toLocation(root, 'source.path');
    return { events: child(rootLocation, KIND_DIRECTORIES.events), songs: child(rootLocation, KIND_DIRECTORIES.songs) };
  }
  if (separate.events === undefined && separate.songs === undefined) {
    throw new SourceLocationError('path', 'source needs path (a root holding log_data/ and song_data/) or logData and/or songData');
  }
  const locations: SourceLocations<L> = {};
  for (const kind of ['events', 'songs'] as const) {
    const value = separate[kind];
    if (value !== undefined) locations[kind] = toLocation(value, `source.${SEPARATE_FIELDS[kind]}`);
  }
  return locations;
}

/** The S3 locations of an s3 ref (throws SourceLocationError naming the bad field). */
export function s3Locations(ref: SourceRef): SourceLocations<S3Location> {
  return sourceLocations(ref, parseS3Url, (root, directory) => ({ bucket: root.bucket, prefix: `${root.prefix}${directory}/` }));
}

/** Checks a ref's shape and locations without touching the source; throws SourceLocationError. */
export function checkSourceRef(ref: SourceRef): void {
  if (ref.type === 's3') {
    s3Locations(ref);
    if (ref.logJsonPath !== undefined) parseS3Url(ref.logJsonPath, 'source.logJsonPath');
  } else if (ref.type === 'local') {
    sourceLocations(
      ref,
      (value, field) => {
        if (isS3Url(value)) throw new SourceLocationError(field, `${field} is an s3:// URL but source.type is "local"`);
        return value;
      },
      (root, directory) => `${root}/${directory}`,
    );
  } else {
    throw new SourceLocationError('type', `source.type must be "local" or "s3", got ${JSON.stringify((ref as { type?: unknown }).type)}`);
  }
  if (ref.anonymous !== undefined && typeof ref.anonymous !== 'boolean') {
    throw new SourceLocationError('anonymous', `source.anonymous must be true or false, got ${JSON.stringify(ref.anonymous)}`);
  }
  if (ref.region !== undefined && (typeof ref.region !== 'string' || !/^[a-z0-9-]+$/.test(ref.region))) {
    throw new SourceLocationError('region', `source.region must be a region name like us-west-2, got ${JSON.stringify(ref.region)}`);
  }
}

/** A human description of the source, e.g. "s3://udacity-dend/log_data/ + s3://udacity-dend/song_data/". */
export function describeSource(ref: SourceRef): string {
  if (ref.path !== undefined) return ref.path;
  return [ref.logData, ref.songData].filter((v) => v !== undefined).join(' + ');
}
