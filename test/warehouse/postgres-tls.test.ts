/**
 * SPARKIFY_POSTGRES_URL is parsed by pg-connection-string, so its query string counts: against a
 * PostgreSQL that accepts TLS connections only (hostssl in pg_hba.conf, a self-signed certificate
 * made here with openssl), sslmode=require connects encrypted, verify-full checks the certificate
 * against sslrootcert, and a plain-text connection is refused.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import * as activities from '../../src/activities';
import { parsePostgresUrl } from '../../src/config/postgres-url';
import type { WarehouseHandle } from '../../src/contract';
import { openWarehouse } from '../../src/warehouse/connection';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { makeCertificate, requireTls } from '../helpers/tls';
import { waitFor } from '../../devserver/test/helpers/wait';

let pg: TestPostgres;
let certs: string;

async function sessionFacts(handle: WarehouseHandle): Promise<{ ssl: boolean; application: string }> {
  const client = await openWarehouse(handle, 'checking the session');
  try {
    const { rows } = await client.query(
      "SELECT ssl, current_setting('application_name') AS application FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
    );
    return rows[0] as { ssl: boolean; application: string };
  } finally {
    await client.end();
  }
}

function provision(warehouseId: string): Promise<WarehouseHandle> {
  return new MockActivityEnvironment().run(activities.provisionWarehouse, { provider: 'postgres' as const, warehouseId });
}

beforeAll(async () => {
  certs = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-tls-'));
  const { cert, key } = makeCertificate(certs, 'server');
  makeCertificate(certs, 'other');
  pg = await startTestPostgres('tls');
  await requireTls(pg, cert, key);
  // The reload is asynchronous: wait until a plain connection is refused.
  await waitFor(
    'the server to refuse plain-text connections',
    () => pg.connect().then((client) => client.end().then(() => undefined), () => true),
    10_000,
  );
}, 90_000);

afterAll(async () => {
  await pg?.stop();
  if (certs) fs.rmSync(certs, { recursive: true, force: true });
}, 60_000);

afterEach(() => {
  delete process.env.SPARKIFY_POSTGRES_URL;
});

it('sslmode=require: provisions over TLS, and every activity connection is encrypted and named', async () => {
  process.env.SPARKIFY_POSTGRES_URL = `${pg.url}?sslmode=require&application_name=sparkify-tls-test`;
  const handle = await provision('tls_require');
  expect(handle).toMatchObject({ provider: 'postgres', host: '127.0.0.1', port: pg.port, schema: 'sparkify_tls_require' });
  expect(JSON.stringify(handle)).not.toMatch(/ssl|application/i); // settings stay in the URL, not in history
  expect(await sessionFacts(handle)).toEqual({ ssl: true, application: 'sparkify-tls-test' });
  await new MockActivityEnvironment().run(activities.teardownWarehouse, { provider: 'postgres' as const, warehouseId: 'tls_require' });
});

it('sslmode=verify-full checks the certificate against sslrootcert', async () => {
  process.env.SPARKIFY_POSTGRES_URL = `${pg.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(certs, 'server.crt'))}`;
  const handle = await provision('tls_verify');
  expect((await sessionFacts(handle)).ssl).toBe(true);
  await new MockActivityEnvironment().run(activities.teardownWarehouse, { provider: 'postgres' as const, warehouseId: 'tls_verify' });

  process.env.SPARKIFY_POSTGRES_URL = `${pg.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(certs, 'other.crt'))}`;
  await expect(provision('tls_wrong_ca')).rejects.toMatchObject({ message: expect.stringMatching(/certificate/i) });
});

it.each([
  ['sslmode=disable', '?sslmode=disable'],
  ['no sslmode (plain text)', ''],
])('%s: the server refuses the connection, and the failure says why', async (_, query) => {
  process.env.SPARKIFY_POSTGRES_URL = `${pg.url}${query}`;
  await expect(provision('tls_plain')).rejects.toMatchObject({
    type: 'WarehouseAuthentication',
    nonRetryable: true,
    message: expect.stringContaining('no encryption'),
  });
});

describe('parsePostgresUrl', () => {
  it('keeps the password apart and passes the query string on as pg settings (libpq sslmode meaning)', () => {
    const server = parsePostgresUrl('postgresql://etl%40corp:p%2Fw@db.example.com:6543/dwh?sslmode=require&application_name=etl', 'URL');
    expect(server).toEqual({
      host: 'db.example.com',
      port: 6543,
      database: 'dwh',
      user: 'etl@corp',
      password: 'p/w',
      settings: { sslmode: 'require', application_name: 'etl', ssl: { rejectUnauthorized: false } },
    });
    expect(parsePostgresUrl('postgres://u@[::1]/d?sslmode=disable', 'URL')).toMatchObject({
      host: '::1', port: 5432, password: undefined, settings: { ssl: false },
    });
  });

  it.each([
    ['not a url', 'URL is not a valid URL (expected postgres://user:password@host:port/database)'],
    ['mysql://u:s3cret@h/d', 'URL has scheme "mysql:" (expected postgres:)'],
    ['postgres://u:s3cret@/d', 'URL names no host'],
    ['postgres://h/d', 'URL names no user'],
    ['postgres://u:s3cret@h', 'URL names no database'],
    ['postgres://u:s3cret@h/d?sslmode=verify-full&sslrootcert=/no/such/ca.pem', 'URL names an SSL file that cannot be read (expected postgres://user:password@host:port/database[?sslmode=…])'],
  ])('%s fails naming the setting, never its value', (url, message) => {
    expect(() => parsePostgresUrl(url, 'URL')).toThrow(`configuration error: ${message}`);
  });
});
