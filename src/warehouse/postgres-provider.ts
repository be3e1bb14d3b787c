import type { ClientConfig } from 'pg';
import type { WarehouseHandle } from '../contract';
import { ENV, requiredSetting } from '../config/env';
import { parsePostgresUrl, type PostgresServer } from '../config/postgres-url';
import { connectPostgres } from './client';
import { warehouseFailure } from './errors';
import { schemaForWarehouse } from './names';
import type { WarehouseProvider } from './provider';
import { createSchema, dropSchema } from './schema';

function server(): PostgresServer {
  return parsePostgresUrl(requiredSetting(ENV.postgresUrl, 'the postgres warehouse provider'), ENV.postgresUrl);
}

function configOf(s: PostgresServer): ClientConfig {
  return { ...s.settings, host: s.host, port: s.port, database: s.database, user: s.user, password: s.password };
}

/**
 * An existing PostgreSQL server named by SPARKIFY_POSTGRES_URL. A warehouse is one schema on it,
 * `sparkify_<warehouseId>`: provision creates it, teardown drops it.
 */
export class PostgresWarehouseProvider implements WarehouseProvider {
  readonly name = 'postgres' as const;
  readonly dialect = 'postgres' as const;

  async provision(warehouseId: string): Promise<WarehouseHandle> {
    const target = server();
    const schema = schemaForWarehouse(warehouseId);
    const doing = `creating schema ${schema} on the ${ENV.postgresUrl} server`;
    const client = await connectPostgres(configOf(target), doing);
    try {
      await createSchema(client, this.dialect, schema);
    } catch (err) {
      throw warehouseFailure(err, doing);
    } finally {
      await client.end().catch(() => undefined);
    }
    return {
      provider: this.name,
      warehouseId,
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      schema,
    };
  }

  async teardown(warehouseId: string): Promise<boolean> {
    const schema = schemaForWarehouse(warehouseId);
    const doing = `dropping schema ${schema}`;
    const client = await connectPostgres(configOf(server()), doing);
    try {
      return await dropSchema(client, this.dialect, schema);
    } catch (err) {
      throw warehouseFailure(err, doing);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async connectionConfig(handle: WarehouseHandle): Promise<ClientConfig> {
    // The handle says where; the environment supplies the secret and the URL's other settings (TLS, …).
    const { password, settings } = server();
    return { ...settings, host: handle.host, port: handle.port, database: handle.database, user: handle.user, password };
  }
}
