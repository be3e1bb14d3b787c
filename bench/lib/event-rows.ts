import * as fs from 'node:fs';
import * as path from 'node:path';

/** The JSON keys of an event, in staging_events column order. */
export const EVENT_KEYS = [
  'artist', 'auth', 'firstName', 'gender', 'itemInSession', 'lastName', 'length', 'level', 'location',
  'method', 'page', 'registration', 'sessionId', 'song', 'status', 'ts', 'userAgent', 'userId',
] as const;

export interface EventRow {
  values: unknown[];
  file: string;
  line: number;
}

function eventFiles(root: string, relative = 'log_data'): string[] {
  const entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const child = `${relative}/${entry.name}`;
    if (entry.isDirectory()) files.push(...eventFiles(root, child));
    else if (entry.name.endsWith('.json')) files.push(child);
  }
  return files.sort();
}

/**
 * Every parseable event object of a dataset, file by file (one file in memory at a time), the way
 * a typical hand-written ETL reads them.
 */
export function* readEventRows(root: string): Iterable<EventRow> {
  for (const file of eventFiles(root)) {
    const lines = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      if (lines[i].trim() === '') continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(lines[i]) as Record<string, unknown>;
      } catch {
        continue;
      }
      yield { values: EVENT_KEYS.map((key) => parsed[key] ?? null), file, line: i + 1 };
    }
  }
}
