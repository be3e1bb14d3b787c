/**
 * The plain-data contract shared by the workflow, its activities, the warehouse providers, the
 * sources and the clients. It imports nothing, so every layer may depend on it.
 */
export type * from './source';
export type * from './warehouse';
export { STAR_TABLES } from './warehouse';
export type * from './activities';
export { QUALITY_SCOPES } from './activities';
export type * from './cluster';
export * from './etl';
