/** TLS for test PostgreSQL servers: a self-signed certificate, and a server that accepts only TLS. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestPostgres } from './postgres';

/** A self-signed certificate for 127.0.0.1 and its key, as PEM files in `dir`. */
export function makeCertificate(dir: string, name: string): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
    { stdio: 'pipe', timeout: 30_000 },
  );
  return { cert, key };
}

/** Turns TLS on and makes pg_hba.conf refuse every connection that is not encrypted. */
export async function requireTls(server: TestPostgres, cert: string, key: string): Promise<void> {
  const owner = fs.statSync(server.dataDirectory);
  for (const [from, to] of [[cert, 'server.crt'], [key, 'server.key']]) {
    const target = path.join(server.dataDirectory, to);
    fs.copyFileSync(from, target);
    fs.chownSync(target, owner.uid, owner.gid); // the server refuses a key it does not own
    fs.chmodSync(target, 0o600);
  }
  const admin = await server.connect();
  try {
    await admin.query("ALTER SYSTEM SET ssl = 'on'");
    await admin.query("ALTER SYSTEM SET ssl_cert_file = 'server.crt'");
    await admin.query("ALTER SYSTEM SET ssl_key_file = 'server.key'");
    fs.writeFileSync(
      path.join(server.dataDirectory, 'pg_hba.conf'),
      'hostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 127.0.0.1/32 reject\n',
    );
    await admin.query('SELECT pg_reload_conf()');
  } finally {
    await admin.end();
  }
}
