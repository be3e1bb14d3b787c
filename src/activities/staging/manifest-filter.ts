/**
 * Which listed files an incremental run loads: files the warehouse's manifest (loaded_files) does
 * not hold, or holds with another size or ETag when the run reloads changed files; event files
 * only inside the from/to window (the day in their name). Changed files not reloaded are named.
 */
import type { Client } from 'pg';
import type { IncrementalPlanFilter, StagingKind, StagingKindPlan } from '../../contract';
import type { SourceFile } from '../../sources/source';
import { sqlStatement } from '../../warehouse/sql-files';

/** Changed files named in a plan; the count says how many there were in all. */
const CHANGED_NAMED = 50;
const DAY_IN_NAME = /(\d{4}-\d{2}-\d{2})/;

export type FilterCounts = Required<Pick<StagingKindPlan, 'alreadyLoaded' | 'outsideWindow' | 'changed' | 'changedCount'>>;

export interface ManifestFilter {
  /** true: load the file. */
  admit(file: SourceFile): boolean;
  readonly counts: FilterCounts;
}

/** The day an event file holds, from its name (2018-11-05-events.json); undefined when it names none. */
export function dayOfFile(filePath: string): string | undefined {
  return DAY_IN_NAME.exec(filePath.slice(filePath.lastIndexOf('/') + 1))?.[1];
}

/** The manifest's rows of one kind on PostgreSQL. */
export async function readManifest(client: Client, kind: StagingKind): Promise<Array<Record<string, unknown>>> {
  return (await client.query(sqlStatement('incremental/read_manifest.sql'), [kind])).rows;
}

/** The filter over the manifest's rows of `kind` (path, size, etag). */
export function manifestFilter(rows: Array<Record<string, unknown>>, kind: StagingKind, options: IncrementalPlanFilter): ManifestFilter {
  const loaded = new Map<string, { size: number; etag: string | null }>();
  for (const row of rows) loaded.set(String(row.path), { size: Number(row.size), etag: row.etag === null ? null : String(row.etag) });
  const windowed = kind === 'events' && (options.from !== undefined || options.to !== undefined);
  const counts: FilterCounts = { alreadyLoaded: 0, outsideWindow: 0, changed: [], changedCount: 0 };
  return {
    counts,
    admit(file) {
      if (windowed) {
        const day = dayOfFile(file.path);
        if (day === undefined || (options.from !== undefined && day < options.from) || (options.to !== undefined && day > options.to)) {
          counts.outsideWindow++;
          return false;
        }
      }
      const before = loaded.get(file.path);
      if (before === undefined) return true;
      if (before.size === file.size && before.etag === (file.etag ?? null)) {
        counts.alreadyLoaded++;
        return false;
      }
      if (options.reloadChanged) return true;
      counts.changedCount++;
      if (counts.changed.length < CHANGED_NAMED) counts.changed.push(file.path);
      return false;
    },
  };
}
