/** Staging tables, in creation order (each has sql/<dialect>/create/<table>.sql). */
export const STAGING_TABLES = ['staging_events', 'staging_songs', 'load_errors', 'staging_progress', 'staging_epoch', 'staging_files'] as const;

/** Star schema tables (each also has sql/transforms/<table>.sql). */
export const STAR_TABLES = ['songplays', 'users', 'songs', 'artists', 'time'] as const;

export const ALL_TABLES = [...STAGING_TABLES, ...STAR_TABLES] as const;

export type StarTable = (typeof STAR_TABLES)[number];
