/** Where the Sparkify files are read from, as activities and sources see it. Plain data only. */

/** The two kinds of input file: event logs (log_data/) and song metadata (song_data/). */
export type StagingKind = 'events' | 'songs';

/** A source the workflow can be pointed at. `local`: a directory holding song_data/ and log_data/. */
export interface SourceRef {
  type: 'local';
  path: string;
}
