/**
 * Every activity of the sparkifyEtl workflow, grouped by topic. The worker registers this module;
 * the workflow proxies `typeof import('../activities')` (a type-only import), so both sides
 * are checked against the same functions.
 */
export * from './warehouse';
export * from './staging';
export * from './transforms';
export * from './load-summary';
export { checkQuality } from './quality';
export * from './cluster';
export * from './incremental';
