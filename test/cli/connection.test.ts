/** Temporal connection settings from the environment: defaults, Cloud API key, mTLS, and no secret in messages. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeTemporal, TemporalConfigError, temporalSettings } from '../../src/client/connection';

describe('temporalSettings', () => {
  it('defaults to a local Temporal without TLS', () => {
    expect(temporalSettings({}, {})).toEqual({ address: 'localhost:7233', namespace: 'default', taskQueue: 'sparkify' });
  });

  it('reads address, namespace, task queue and a Temporal Cloud API key (which turns TLS on)', () => {
    const settings = temporalSettings(
      {},
      {
        TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'ns.acct',
        TEMPORAL_TASK_QUEUE: 'etl',
        TEMPORAL_API_KEY: 'secret-key-123',
      },
    );
    expect(settings).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      namespace: 'ns.acct',
      taskQueue: 'etl',
      tls: {},
      apiKey: 'secret-key-123',
    });
    expect(describeTemporal(settings)).toBe('ns.acct.tmprl.cloud:7233 (namespace ns.acct, API key)');
  });

  it('loads an mTLS client pair and a CA from files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-tls-'));
    try {
      for (const name of ['client.pem', 'client.key', 'ca.pem']) fs.writeFileSync(path.join(dir, name), `${name} contents`);
      const settings = temporalSettings(
        {},
        {
          TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'client.pem'),
          TEMPORAL_TLS_CLIENT_KEY_PATH: path.join(dir, 'client.key'),
          TEMPORAL_TLS_SERVER_CA_CERT_PATH: path.join(dir, 'ca.pem'),
          TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
        },
      );
      expect(Buffer.from(settings.tls!.clientCertPair!.crt).toString()).toBe('client.pem contents');
      expect(Buffer.from(settings.tls!.clientCertPair!.key).toString()).toBe('client.key contents');
      expect(Buffer.from(settings.tls!.serverRootCACertificate!).toString()).toBe('ca.pem contents');
      expect(settings.tls!.serverNameOverride).toBe('temporal.internal');
      expect(describeTemporal(settings)).toBe('localhost:7233 (namespace default, mTLS)');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the variable that is wrong', () => {
    expect(() => temporalSettings({}, { TEMPORAL_TLS_CLIENT_CERT_PATH: '/x.pem' })).toThrow(
      new TemporalConfigError('TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH must be set together'),
    );
    expect(() =>
      temporalSettings({}, { TEMPORAL_TLS_CLIENT_CERT_PATH: '/nope/c.pem', TEMPORAL_TLS_CLIENT_KEY_PATH: '/nope/k.pem' }),
    ).toThrow('TEMPORAL_TLS_CLIENT_CERT_PATH: cannot read /nope/c.pem (ENOENT)');
  });

  it('ignores the environment credentials when pointed at an in-process devserver', () => {
    expect(temporalSettings({ address: '127.0.0.1:5000' }, { TEMPORAL_API_KEY: 'k', TEMPORAL_NAMESPACE: 'n' })).toEqual({
      address: '127.0.0.1:5000',
      namespace: 'n',
      taskQueue: 'sparkify',
    });
  });
});
