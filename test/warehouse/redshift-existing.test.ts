/**
 * The redshift provider with an existing cluster (dwh.cfg [CLUSTER] HOST / DB_PORT / DB_NAME /
 * DB_USER / DB_PASSWORD): no cluster is created or deleted, the warehouse is a schema of its own,
 * and every connection is TLS with the certificate verified. The cluster here is the embedded
 * PostgreSQL accepting TLS only (Redshift speaks its protocol); the Redshift control plane is
 * mocked only to prove it is never called.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedshiftClient } from '@aws-sdk/client-redshift';
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { MockActivityEnvironment } from '@temporalio/testing';
import { mockClient } from 'aws-sdk-client-mock';
import * as activities from '../../src/activities';
import { readDwhConfig } from '../../src/config/dwh-cfg';
import { setFileSetting } from '../../src/config/env';
import { REDSHIFT_ENV, useRedshiftConfig } from '../../src/config/redshift-settings';
import type { WarehouseHandle } from '../../src/contract';
import { openWarehouse } from '../../src/warehouse/connection';
import { waitFor } from '../../devserver/test/helpers/wait';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { makeCertificate, requireTls } from '../helpers/tls';

const redshift = mockClient(RedshiftClient);
const data = mockClient(RedshiftDataClient);
let pg: TestPostgres;
let certs: string;

beforeAll(async () => {
  certs = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-rs-tls-'));
  const { cert, key } = makeCertificate(certs, 'server');
  makeCertificate(certs, 'other');
  pg = await startTestPostgres('rs-existing');
  await requireTls(pg, cert, key);
  await waitFor('plain-text connections to be refused', () => pg.connect().then((c) => c.end().then(() => undefined), () => true), 10_000);
  const file = path.join(certs, 'dwh.cfg');
  fs.writeFileSync(file, `[CLUSTER]\nHOST=127.0.0.1\nDB_NAME=postgres\nDB_USER=${pg.user}\nDB_PASSWORD=${pg.password}\nDB_PORT=${pg.port}\n`, { mode: 0o600 });
  useRedshiftConfig(readDwhConfig(file, { secrets: true }));
  process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT = cert;
}, 90_000);

afterAll(async () => {
  for (const name of Object.values(REDSHIFT_ENV)) setFileSetting(name, undefined);
  delete process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT;
  redshift.restore();
  data.restore();
  await pg?.stop();
  if (certs) fs.rmSync(certs, { recursive: true, force: true });
}, 60_000);

const run = <R>(fn: (...args: never[]) => Promise<R>, arg: unknown): Promise<R> => new MockActivityEnvironment().run(fn as (a: unknown) => Promise<R>, arg);

it('provisions a schema of its own over verified TLS, tears down only that schema, never touches the cluster', async () => {
  const handle = await run<WarehouseHandle>(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_1' });
  expect(handle).toEqual({ provider: 'redshift', warehouseId: 'existing_1', host: '127.0.0.1', port: pg.port, database: 'postgres', user: pg.user, schema: 'sparkify_existing_1' });
  expect(JSON.stringify(handle)).not.toContain(pg.password);

  const client = await openWarehouse(handle, 'checking the session');
  try {
    const { rows } = await client.query("SELECT ssl, current_schema() AS schema FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    expect(rows).toEqual([{ ssl: true, schema: 'sparkify_existing_1' }]);
  } finally {
    await client.end();
  }

  expect(await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId: 'existing_1' })).toEqual({ warehouseId: 'existing_1', removed: true });
  expect(await run(activities.teardownWarehouse, { provider: 'redshift', warehouseId: 'existing_1' })).toEqual({ warehouseId: 'existing_1', removed: false });
  expect(redshift.calls()).toHaveLength(0);
  expect(data.calls()).toHaveLength(0);
});

it('refuses a server whose certificate the configured CA did not sign', async () => {
  process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT = path.join(certs, 'other.crt');
  try {
    await expect(run(activities.provisionWarehouse, { provider: 'redshift', warehouseId: 'existing_2' })).rejects.toMatchObject({ message: expect.stringMatching(/certificate/i) });
  } finally {
    process.env.SPARKIFY_REDSHIFT_SSL_ROOT_CERT = path.join(certs, 'server.crt');
  }
});
