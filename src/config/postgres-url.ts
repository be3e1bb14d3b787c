import { configurationError } from './errors';

/** The parts of a postgres:// URL, with the password kept apart so it can never leak into a handle. */
export interface PostgresServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
}

/**
 * Parses `postgres://user:password@host:port/database`. Errors name the setting and the part
 * that is wrong, never the URL itself (it holds the password).
 */
export function parsePostgresUrl(url: string, setting: string): PostgresServer {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw configurationError(setting, 'is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw configurationError(setting, `has scheme "${parsed.protocol}" (expected postgres:)`);
  }
  if (!parsed.hostname) throw configurationError(setting, 'names no host');
  if (!parsed.username) throw configurationError(setting, 'names no user');
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (database === '') throw configurationError(setting, 'names no database');
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    database,
    user: decodeURIComponent(parsed.username),
    password: parsed.password === '' ? undefined : decodeURIComponent(parsed.password),
  };
}
