import type { ClientConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { configurationError } from './errors';

/**
 * A PostgreSQL server named by a connection URL: where it is (safe to put in a handle), the
 * password kept apart, and every other setting of the URL's query string (sslmode, sslrootcert,
 * application_name, options, …) as pg client settings.
 */
export interface PostgresServer {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string | undefined;
  /** pg settings from the query string; may hold key material (sslkey), so never logged. */
  settings: Omit<ClientConfig, 'host' | 'port' | 'database' | 'user' | 'password'>;
}

/**
 * Parses `postgres://user:password@host:port/database?sslmode=…&application_name=…` with
 * pg-connection-string, with libpq's meaning of sslmode (`require`: encrypted, certificate not
 * checked; `verify-ca`/`verify-full`: checked against `sslrootcert`). Errors name the setting and
 * the part that is wrong, never the URL itself (it holds the password).
 */
export function parsePostgresUrl(url: string, setting: string): PostgresServer {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) {
    throw configurationError(setting, 'is not a valid URL (expected postgres://user:password@host:port/database)');
  }
  if (scheme !== 'postgres' && scheme !== 'postgresql') {
    throw configurationError(setting, `has scheme "${scheme}:" (expected postgres:)`);
  }
  let config: ClientConfig;
  try {
    // A URL that already says uselibpqcompat must not be told twice (the parser refuses that).
    const options = /[?&]uselibpqcompat=/i.test(url) ? {} : { useLibpqCompat: true };
    config = toClientConfig(parse(url, options));
  } catch (err) {
    // The parser's own messages may quote the URL; only its kind of problem is passed on. (Duck-typed:
    // fs errors may come from another realm, where instanceof fails.)
    const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
    const reason = typeof code === 'string' && code.startsWith('E') ? 'names an SSL file that cannot be read' : 'cannot be parsed';
    throw configurationError(setting, `${reason} (expected postgres://user:password@host:port/database[?sslmode=…])`);
  }
  const { host, port, database, user, password, ...settings } = config;
  if (!host) throw configurationError(setting, 'names no host');
  if (!user) throw configurationError(setting, 'names no user');
  if (!database) throw configurationError(setting, 'names no database');
  return {
    host,
    port: port ?? 5432,
    database,
    user,
    password: typeof password === 'string' && password !== '' ? password : undefined,
    settings,
  };
}
