import { STAR_TABLES } from '../contract';

export { STAR_TABLES, type StarTable } from '../contract';

/** Staging tables, in creation order (each has sql/<dialect>/create/<table>.sql). */
export const STAGING_TABLES = ['staging_events', 'staging_songs', 'load_errors', 'staging_progress', 'staging_epoch', 'staging_files'] as const;

export const ALL_TABLES = [...STAGING_TABLES, ...STAR_TABLES] as const;
