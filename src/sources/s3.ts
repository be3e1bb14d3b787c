import { GetObjectCommand, ListObjectsV2Command, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { PassThrough, type Readable } from 'node:stream';
import type { SourceRef, StagingKind } from '../contract';
import { sourceAccessDenied, sourceChanged, sourceNotFound, sourceUnavailable } from './errors';
import { KIND_DIRECTORIES, s3Locations, s3Url, type S3Location, type SourceLocations } from '../contract/source-location';
import { s3Client } from './s3-client';
import type { Source, SourceFile } from './source';

/** ListObjectsV2 page size; S3's own maximum is 1000. SPARKIFY_S3_PAGE_SIZE lowers it (tests). */
const DEFAULT_PAGE_SIZE = 1000;
/**
 * Song files (a few hundred bytes each) fetched concurrently: at ~1–20 ms per request, one at a
 * time would cap song staging at 50–1000 files/s (see the S3 benchmark, which measures 1, 8 and
 * 32). SPARKIFY_S3_READ_AHEAD changes it.
 */
export const S3_READ_AHEAD = 32;

function readAheadFromEnv(): number {
  const raw = process.env.SPARKIFY_S3_READ_AHEAD;
  if (raw === undefined || raw === '') return S3_READ_AHEAD;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 256) {
    throw sourceNotFound(`SPARKIFY_S3_READ_AHEAD must be an integer from 1 to 256, got "${raw}"`);
  }
  return value;
}

export interface S3SourceOptions {
  pageSize?: number;
  client?: S3Client;
}

const DENIED = new Set([
  'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken',
  'TokenRefreshRequired', 'AllAccessDisabled', 'AccountProblem', 'InvalidClientTokenId', 'UnrecognizedClientException',
]);
const CREDENTIALS = new Set(['CredentialsProviderError', 'TokenProviderError']);

interface S3ErrorLike {
  name?: string;
  Code?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Turns an S3 SDK error into the pipeline's failure types: missing bucket or key and refused
 * credentials are not retryable; network trouble, throttling and 5xx are.
 */
export function s3Failure(err: unknown, location: S3Location, key?: string, planned?: SourceFile): Error {
  if (typeof err !== 'object' || err === null) return sourceUnavailable(s3Url(location), String(err));
  if ((err as { name?: string }).name === 'ApplicationFailure') return err as Error;
  const e = err as S3ErrorLike;
  const name = e.Code ?? e.name ?? e.code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const where = key === undefined ? s3Url(location) : `s3://${location.bucket}/${key}`;
  const reason = `${name}${status ? ` (HTTP ${status})` : ''}: ${e.message ?? ''}`.trim();
  if (name === 'NoSuchBucket') return sourceNotFound(`bucket "${location.bucket}" does not exist (${where}): ${reason}`);
  if (name === 'NoSuchKey' || (key !== undefined && status === 404)) {
    return planned ? sourceChanged(where, 'vanished') : sourceNotFound(`${where}: ${reason}`);
  }
  if (name === 'PreconditionFailed' || status === 412) {
    return sourceChanged(where, `changed (ETag is no longer ${planned?.etag ?? 'the planned one'})`);
  }
  if (DENIED.has(name) || status === 403) return sourceAccessDenied(`bucket "${location.bucket}" (${where})`, reason);
  if (CREDENTIALS.has(name)) {
    return sourceAccessDenied(`bucket "${location.bucket}" (${where})`, `no AWS credentials found (${e.message}); set them, or use --no-sign-request for a public bucket`);
  }
  if (name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed' || name === 'IllegalLocationConstraintException') {
    return sourceNotFound(`bucket "${location.bucket}" is in another region than the one configured: ${reason}`);
  }
  return sourceUnavailable(where, reason);
}

function pageSizeFromEnv(): number {
  const raw = process.env.SPARKIFY_S3_PAGE_SIZE;
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw sourceNotFound(`SPARKIFY_S3_PAGE_SIZE must be an integer from 1 to 1000, got "${raw}"`);
  }
  return value;
}

/** ETags are quoted on the wire; compared as given. */
function sameEtag(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined || a === b;
}

/**
 * Sparkify files in S3 or any S3-compatible store: keys under each kind's prefix ending in .json,
 * named `log_data/<rest>` / `song_data/<rest>` like the local layout, so partitions and resumption
 * are the same whichever store holds the files. Objects are streamed, never buffered whole
 * (except song files through readFile, which are small).
 */
export class S3Source implements Source {
  readonly readAhead = readAheadFromEnv();

  private constructor(
    readonly ref: SourceRef,
    private readonly locations: SourceLocations<S3Location>,
    private readonly client: S3Client,
    private readonly pageSize: number,
  ) {}

  /** Checks each location with one small listing: a missing bucket or refused credentials fail here, by name. */
  static async open(ref: SourceRef, options: S3SourceOptions = {}): Promise<S3Source> {
    let locations: SourceLocations<S3Location>;
    try {
      locations = s3Locations(ref);
    } catch (err) {
      throw sourceNotFound((err as Error).message);
    }
    const client = options.client ?? s3Client({ region: ref.region, anonymous: ref.anonymous });
    const source = new S3Source(ref, locations, client, options.pageSize ?? pageSizeFromEnv());
    const present = await Promise.all(
      Object.values(locations).map(async (location) => {
        const page = await source.list(location, undefined, 1);
        return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
      }),
    );
    if (!present.some(Boolean)) {
      const where = Object.values(locations).map((l) => s3Url(l)).join(' and ');
      throw sourceNotFound(`${where} (no objects there)`);
    }
    return source;
  }

  private async list(location: S3Location, token: string | undefined, maxKeys: number) {
    try {
      return await this.client.send(
        new ListObjectsV2Command({ Bucket: location.bucket, Prefix: location.prefix, ContinuationToken: token, MaxKeys: maxKeys }),
      );
    } catch (err) {
      throw s3Failure(err, location);
    }
  }

  /** Pages through ListObjectsV2 (continuation tokens); S3 returns keys in byte order, i.e. path order. */
  async *files(kind: StagingKind): AsyncIterable<SourceFile> {
    const location = this.locations[kind];
    if (location === undefined) return;
    let token: string | undefined;
    do {
      const page = await this.list(location, token, this.pageSize);
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (key === undefined || !key.endsWith('.json') || !key.startsWith(location.prefix)) continue;
        yield { path: `${KIND_DIRECTORIES[kind]}/${key.slice(location.prefix.length)}`, size: object.Size ?? 0, etag: object.ETag };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async *paths(kind: StagingKind): AsyncIterable<string> {
    for await (const file of this.files(kind)) yield file.path;
  }

  /** The bucket location and key of a relative path. */
  private object(relative: string): { location: S3Location; key: string } {
    const slash = relative.indexOf('/');
    const top = relative.slice(0, slash);
    const kind = (Object.keys(KIND_DIRECTORIES) as StagingKind[]).find((k) => KIND_DIRECTORIES[k] === top);
    const location = kind === undefined ? undefined : this.locations[kind];
    if (slash < 0 || location === undefined) throw sourceNotFound(`${relative} (not a path of this source)`);
    return { location, key: location.prefix + relative.slice(slash + 1) };
  }

  describe(relative: string): string {
    try {
      const { location, key } = this.object(relative);
      return `s3://${location.bucket}/${key}`;
    } catch {
      return relative;
    }
  }

  /** GetObject, checked against the plan: IfMatch for stores that honour it, and ETag/size compared here for those that do not. */
  private async get(relative: string, planned?: SourceFile): Promise<{ output: GetObjectCommandOutput; url: string; length: number | undefined }> {
    const { location, key } = this.object(relative);
    const url = `s3://${location.bucket}/${key}`;
    let output: GetObjectCommandOutput;
    try {
      output = await this.client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key, IfMatch: planned?.etag }));
    } catch (err) {
      throw s3Failure(err, location, key, planned);
    }
    const length = output.ContentLength;
    if (planned && (!sameEtag(planned.etag, output.ETag) || (length !== undefined && length !== planned.size))) {
      (output.Body as Readable | undefined)?.destroy();
      const was = `ETag ${planned.etag ?? '?'}, ${planned.size} bytes`;
      const now = `ETag ${output.ETag ?? '?'}, ${length ?? '?'} bytes`;
      throw sourceChanged(url, `changed (${was} → ${now})`);
    }
    return { output, url, length };
  }

  async readFile(relative: string, planned?: SourceFile): Promise<Buffer> {
    const { output, url, length } = await this.get(relative, planned);
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for await (const chunk of output.Body as Readable) {
        chunks.push(chunk as Buffer);
        bytes += (chunk as Buffer).length;
      }
    } catch (err) {
      throw sourceUnavailable(url, `transfer broke off after ${bytes} of ${length ?? '?'} bytes: ${(err as Error).message}`);
    }
    if (length !== undefined && bytes !== length) {
      throw sourceUnavailable(url, `transfer ended after ${bytes} of ${length} bytes`);
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes);
  }

  /**
   * The object's body as it arrives (1 MiB chunks at most in the buffer). A transfer that breaks
   * off fails the stream with a retryable SourceUnavailable: the COPY's batch rolls back and the
   * retry resumes from the partition's progress row, so no row is loaded twice.
   */
  openStream(relative: string, planned?: SourceFile): Readable {
    const out = new PassThrough({ highWaterMark: 1 << 20 });
    let body: Readable | undefined;
    out.on('close', () => body?.destroy());
    void this.get(relative, planned).then(
      ({ output, url, length }) => {
        body = output.Body as Readable;
        if (out.destroyed) return body.destroy();
        let bytes = 0;
        const broken = (reason: string) => out.destroy(sourceUnavailable(url, reason));
        body.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (!out.write(chunk)) body?.pause();
        });
        out.on('drain', () => body?.resume());
        body.on('error', (err) => broken(`transfer broke off after ${bytes} of ${length ?? '?'} bytes: ${err.message}`));
        body.on('aborted', () => broken(`transfer broke off after ${bytes} of ${length ?? '?'} bytes`));
        body.on('end', () => {
          if (length !== undefined && bytes !== length) broken(`transfer ended after ${bytes} of ${length} bytes`);
          else out.end();
        });
      },
      (err: Error) => out.destroy(err),
    );
    return out;
  }
}
