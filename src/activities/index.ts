/**
 * Every activity of the sparkifyEtl workflow. The worker registers this module; the workflow
 * proxies `typeof import('./index')` (types only).
 */
export { provisionWarehouse } from './provision-warehouse';
export { createTables } from './create-tables';
export { planStaging } from './plan-staging';
export { copyStagingEvents } from './copy-staging-events';
export { copyStagingSongs } from './copy-staging-songs';
export { insertUsers } from './insert-users';
export { insertSongs } from './insert-songs';
export { insertArtists } from './insert-artists';
export { insertTime } from './insert-time';
export { insertSongplays } from './insert-songplays';
export { summarizeLoad } from './summarize-load';
export { sampleLoadErrors } from './sample-load-errors';
export { teardownWarehouse } from './teardown-warehouse';
