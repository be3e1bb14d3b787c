/** Where the Sparkify files are read from, as activities and sources see it. Plain data only. */

/** The two kinds of input file: event logs (log_data/) and song metadata (song_data/). */
export type StagingKind = 'events' | 'songs';

/**
 * A source the workflow can be pointed at: one root holding log_data/ and song_data/ (`path`), or
 * the separate locations of dwh.cfg's [S3] section. Locations only: credentials never go here.
 */
export interface SourceRef {
  type: 'local' | 's3';
  /** The root. local: an absolute directory; s3: s3://bucket/prefix */
  path?: string;
  /** Instead of `path`: the event logs' location (dwh.cfg LOG_DATA). */
  logData?: string;
  /** Instead of `path`: the song files' location (dwh.cfg SONG_DATA). */
  songData?: string;
  /** dwh.cfg LOG_JSONPATH: Redshift's JSONPaths file for the events COPY (not read by staging here). */
  logJsonPath?: string;
  /** s3: unsigned requests, for public buckets (the AWS CLI's --no-sign-request). */
  anonymous?: boolean;
  /** s3: the bucket's region; default from the AWS SDK's chain (AWS_REGION, profile), else us-east-1. */
  region?: string;
}
