import { Client, type ClientConfig } from 'pg';
import { warehouseFailure } from './errors';

/** Connects with a resolved config; errors are classified (auth → non-retryable, refused → retryable). */
export async function connectPostgres(config: ClientConfig, doing: string): Promise<Client> {
  const client = new Client({ connectionTimeoutMillis: 30_000, ...config });
  // An idle connection dropped by the server must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw warehouseFailure(err, doing);
  }
  return client;
}
