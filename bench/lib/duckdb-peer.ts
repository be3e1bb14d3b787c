/**
 * The peer of the end-to-end bench: DuckDB (in memory, 2 threads) building the star schema from the
 * same JSON files with the SQL in bench/duckdb/ (one file per step, run in name order).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const SQL_DIR = path.resolve(__dirname, '..', 'duckdb');
export const PEER_TABLES = ['staging_events', 'staging_songs', 'songplays', 'users', 'songs', 'artists', 'time'] as const;

export interface PeerRun {
  seconds: number;
  /** Seconds per SQL file (by its name without the number and extension). */
  steps: Record<string, number>;
  tables: Record<string, number>;
}

function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

export async function runDuckdbPeer(sourceRoot: string, threads: number): Promise<PeerRun> {
  const files = fs.readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort();
  const started = process.hrtime.bigint();
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  const steps: Record<string, number> = {};
  try {
    for (const file of files) {
      const sql = fs.readFileSync(path.join(SQL_DIR, file), 'utf8').replaceAll('{{source_root}}', sqlLiteral(sourceRoot));
      const stepStarted = process.hrtime.bigint();
      await connection.run(sql);
      steps[file.replace(/^\d+_/, '').replace(/\.sql$/, '')] = Number(process.hrtime.bigint() - stepStarted) / 1e9;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const tables: Record<string, number> = {};
    for (const table of PEER_TABLES) {
      const reader = await connection.runAndReadAll(`SELECT count(*) AS n FROM "${table}"`);
      tables[table] = Number(reader.getRowObjects()[0].n);
    }
    return { seconds, steps, tables };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
