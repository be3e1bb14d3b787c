import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import { SQL_ROOT } from '../../src/warehouse/sql-files';
import { readEventRows } from './event-rows';
import type { Sample } from './stats';

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvParts {
  directory: string;
  files: string[];
  rows: number;
  bytes: number;
}

/**
 * The events pre-converted to CSV, split into `parts` files (whole log files per part), in a
 * directory the postgres server user can read.
 */
export function writeEventCsv(root: string, parts: number): CsvParts {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'sparkify-bench-csv-'));
  fs.chmodSync(directory, 0o755);
  const files = Array.from({ length: parts }, (_, i) => path.join(directory, `events-${i}.csv`));
  const fds = files.map((file) => fs.openSync(file, 'w', 0o644));
  const buffers: string[][] = files.map(() => []);
  const fileIndex = new Map<string, number>();
  let rows = 0;
  for (const row of readEventRows(root)) {
    if (!fileIndex.has(row.file)) fileIndex.set(row.file, fileIndex.size % parts);
    const part = fileIndex.get(row.file) as number;
    buffers[part].push([...row.values, row.file, row.line].map(csvField).join(',') + '\n');
    if (buffers[part].length >= 10_000) fs.writeSync(fds[part], buffers[part].splice(0).join(''));
    rows++;
  }
  buffers.forEach((lines, part) => fs.writeSync(fds[part], lines.join('')));
  fds.forEach((fd) => fs.closeSync(fd));
  const bytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
  return { directory, files, rows, bytes };
}

/** The server's own COPY FROM file, one per CSV part, run concurrently on their own connections. */
export async function serverCopy(clients: Client[], csv: CsvParts): Promise<Sample> {
  const template = fs.readFileSync(path.join(SQL_ROOT, 'bench/server_copy_events.sql'), 'utf8');
  const started = process.hrtime.bigint();
  const counts = await Promise.all(
    csv.files.map(async (file, i) => {
      const client = clients[i];
      const result = await client.query(template.replaceAll('{{csv_file}}', client.escapeLiteral(file)));
      return result.rowCount ?? 0;
    }),
  );
  const rows = counts.reduce((a, b) => a + b, 0);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows, bytes: csv.bytes };
}
