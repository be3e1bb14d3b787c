import type { ClientConfig } from 'pg';
import type { WarehouseHandle, WarehouseOwner } from '../contract';
import { ENV, requiredSetting } from '../config/env';
import { parsePostgresUrl, type PostgresServer } from '../config/postgres-url';
import { connectPostgres } from './client';
import { warehouseFailure } from './errors';
import { schemaForWarehouse } from './names';
import { parseOwnerMarker } from './owner-marker';
import type { FoundWarehouse, WarehouseProvider } from './provider';
import { sqlStatement } from './sql-files';
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

  async provision(warehouseId: string, _hooks?: unknown, owner?: WarehouseOwner): Promise<WarehouseHandle> {
    const target = server();
    const schema = schemaForWarehouse(warehouseId);
    const doing = `creating schema ${schema} on the ${ENV.postgresUrl} server`;
    const client = await connectPostgres(configOf(target), doing);
    try {
      await createSchema(client, this.dialect, schema);
      if (owner) {
        await client.query(sqlStatement('postgres/schema/owner-create.sql', { schema }));
        await client.query(sqlStatement('postgres/schema/owner-record.sql', { schema }), [JSON.stringify(owner)]);
      }
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

  async listWarehouses(): Promise<FoundWarehouse[]> {
    const target = server();
    const client = await connectPostgres(configOf(target), 'listing sparkify schemas');
    try {
      const { rows } = await client.query<{ schema_name: string }>(sqlStatement('postgres/schema/list.sql'));
      const found: FoundWarehouse[] = [];
      for (const { schema_name: schema } of rows) {
        const warehouse: FoundWarehouse = { provider: this.name, name: schema, location: `schema ${schema} on ${target.host}:${target.port}/${target.database}` };
        try {
          const marker = await client.query<{ owner: string }>(sqlStatement('postgres/schema/owner-read.sql', { schema }));
          const owner = marker.rows.length === 1 ? parseOwnerMarker(marker.rows[0].owner) : `warehouse_owner has ${marker.rows.length} rows`;
          if (typeof owner === 'string') warehouse.markerProblem = `warehouse_owner: ${owner}`;
          else warehouse.owner = owner;
        } catch (err) {
          warehouse.markerProblem = `no readable warehouse_owner table (${(err as Error).message})`;
        }
        found.push(warehouse);
      }
      return found;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async removeWarehouse(name: string): Promise<boolean> {
    if (!/^sparkify_[a-z0-9_]+$/.test(name)) throw new Error(`not a sparkify schema name: ${name}`);
    const doing = `dropping schema ${name}`;
    const client = await connectPostgres(configOf(server()), doing);
    try {
      return await dropSchema(client, this.dialect, name);
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
