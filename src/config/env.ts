import * as os from 'node:os';
import * as path from 'node:path';
import { configurationError } from './errors';

/**
 * The settings the activities read from the worker's environment (warehouses). Temporal's own
 * settings (TEMPORAL_*) are read in src/client/connection.ts; docs/pipeline.md lists them all.
 */
export const ENV = {
  /** Root of local warehouses' data directories (default: os.tmpdir()/sparkify). */
  home: 'SPARKIFY_HOME',
  /** Connection URL of an existing PostgreSQL server, for the `postgres` provider. */
  postgresUrl: 'SPARKIFY_POSTGRES_URL',
  /** Optional fixed password for `local` warehouses (otherwise one is generated per warehouse). */
  localPassword: 'SPARKIFY_LOCAL_PASSWORD',
  /** Longest input row (an event line or a song file) staged, in bytes; longer ones are rejected. */
  maxLineBytes: 'SPARKIFY_MAX_LINE_BYTES',
  /** Seconds a named `local` warehouse's server may sit unused before it is stopped; 0: never. */
  warehouseIdleSeconds: 'SPARKIFY_WAREHOUSE_IDLE_SECONDS',
  /** Threads that read local song files for staging (default 2); 0 reads them on the activity's thread. */
  readThreads: 'SPARKIFY_READ_THREADS',
} as const;

/** Redshift's own limit for one JSON object (4 MB), so a row loadable here is loadable there. */
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
const MAX_LINE_BYTES_RANGE = { min: 1024, max: 1024 * 1024 * 1024 };

/** SPARKIFY_MAX_LINE_BYTES, or its default; a malformed value is a non-retryable ConfigurationError. */
export function maxLineBytes(): number {
  const configured = optionalSetting(ENV.maxLineBytes);
  if (configured === undefined) return DEFAULT_MAX_LINE_BYTES;
  const value = Number(configured);
  if (!/^[0-9]+$/.test(configured) || value < MAX_LINE_BYTES_RANGE.min || value > MAX_LINE_BYTES_RANGE.max) {
    throw configurationError(ENV.maxLineBytes, `must be a whole number of bytes from ${MAX_LINE_BYTES_RANGE.min} to ${MAX_LINE_BYTES_RANGE.max}`);
  }
  return value;
}

export const DEFAULT_WAREHOUSE_IDLE_SECONDS = 300;
const MAX_WAREHOUSE_IDLE_SECONDS = 7 * 24 * 3600;

/** SPARKIFY_WAREHOUSE_IDLE_SECONDS, or its default; a malformed value is a non-retryable ConfigurationError. */
export function warehouseIdleSeconds(): number {
  const configured = optionalSetting(ENV.warehouseIdleSeconds);
  if (configured === undefined) return DEFAULT_WAREHOUSE_IDLE_SECONDS;
  const value = Number(configured);
  if (!/^[0-9]+$/.test(configured) || value > MAX_WAREHOUSE_IDLE_SECONDS) {
    throw configurationError(ENV.warehouseIdleSeconds, `must be a whole number of seconds from 0 (never stop) to ${MAX_WAREHOUSE_IDLE_SECONDS}`);
  }
  return value;
}

export const DEFAULT_READ_THREADS = 2;
const MAX_READ_THREADS = 64;

/** SPARKIFY_READ_THREADS, or its default; a malformed value is a non-retryable ConfigurationError. */
export function readThreads(): number {
  const configured = optionalSetting(ENV.readThreads);
  if (configured === undefined) return DEFAULT_READ_THREADS;
  const value = Number(configured);
  if (!/^[0-9]+$/.test(configured) || value > MAX_READ_THREADS) {
    throw configurationError(ENV.readThreads, `must be a whole number of threads from 0 (read on the activity's thread) to ${MAX_READ_THREADS}`);
  }
  return value;
}

export function sparkifyHome(): string {
  const configured = process.env[ENV.home];
  if (configured === undefined || configured === '') return path.join(os.tmpdir(), 'sparkify');
  if (!path.isAbsolute(configured)) throw configurationError(ENV.home, 'must be an absolute path');
  return configured;
}

/** Settings this process read from its --config file; the environment overrides them. Never exported to children. */
const fileSettings = new Map<string, string>();

export function setFileSetting(name: string, value: string | undefined): void {
  if (value === undefined) fileSettings.delete(name);
  else fileSettings.set(name, value);
}

export function optionalSetting(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? fileSettings.get(name) : value;
}

export function requiredSetting(name: string, purpose: string): string {
  const value = optionalSetting(name);
  if (value === undefined) throw configurationError(name, `is not set (needed for ${purpose})`);
  return value;
}
