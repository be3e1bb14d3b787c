import * as os from 'node:os';
import * as path from 'node:path';
import { configurationError } from './errors';

/** The environment variables this project reads, in one place so docs and code agree. */
export const ENV = {
  /** Root of local warehouses' data directories (default: os.tmpdir()/sparkify). */
  home: 'SPARKIFY_HOME',
  /** Connection URL of an existing PostgreSQL server, for the `postgres` provider. */
  postgresUrl: 'SPARKIFY_POSTGRES_URL',
  /** Optional fixed password for `local` warehouses (otherwise one is generated per warehouse). */
  localPassword: 'SPARKIFY_LOCAL_PASSWORD',
} as const;

export function sparkifyHome(): string {
  const configured = process.env[ENV.home];
  if (configured === undefined || configured === '') return path.join(os.tmpdir(), 'sparkify');
  if (!path.isAbsolute(configured)) throw configurationError(ENV.home, 'must be an absolute path');
  return configured;
}

export function optionalSetting(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

export function requiredSetting(name: string, purpose: string): string {
  const value = optionalSetting(name);
  if (value === undefined) throw configurationError(name, `is not set (needed for ${purpose})`);
  return value;
}
