/**
 * The final accounting of a run, as pure functions (workflow code, no I/O): what the COPY
 * activities reported, what the partitions' progress rows say was committed and what the
 * warehouse holds must agree exactly, or the run fails with LoadNotAccounted naming the counts.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { STAR_TABLES, type CopyStagingResult, type LoadSummary, type StagingAccount, type StagingKind } from '../contract';

export const LOAD_NOT_ACCOUNTED = 'LoadNotAccounted';

const KINDS: readonly StagingKind[] = ['events', 'songs'];

/** Every disagreement between the COPYs' reports and the warehouse's staging, as sentences. */
export function stagingMismatches(copies: Record<StagingKind, CopyStagingResult[]>, account: StagingAccount): string[] {
  const problems: string[] = [];
  for (const kind of KINDS) {
    const reported = { filesDone: 0, linesRead: 0, rowsLoaded: 0, rowsRejected: 0 };
    for (const c of copies[kind]) {
      reported.filesDone += c.filesDone;
      reported.linesRead += c.linesRead;
      reported.rowsLoaded += c.rowsLoaded;
      reported.rowsRejected += c.rowsRejected;
    }
    const committed = account.committed[kind];
    const stored = account.stored[kind];
    for (const field of ['filesDone', 'linesRead', 'rowsLoaded', 'rowsRejected'] as const) {
      if (reported[field] !== committed[field]) {
        problems.push(`${kind} ${field}: the COPY activities reported ${reported[field]}, the progress rows say ${committed[field]}`);
      }
    }
    if (committed.linesRead !== committed.rowsLoaded + committed.rowsRejected) {
      problems.push(`${kind}: ${committed.linesRead} rows read != ${committed.rowsLoaded} loaded + ${committed.rowsRejected} rejected`);
    }
    if (stored.rowsLoaded !== committed.rowsLoaded) {
      problems.push(`${kind}: the staging table holds ${stored.rowsLoaded} rows, the progress rows say ${committed.rowsLoaded} were committed`);
    }
    if (stored.rowsRejected !== committed.rowsRejected) {
      problems.push(`${kind}: load_errors holds ${stored.rowsRejected} rows, the progress rows say ${committed.rowsRejected} were rejected`);
    }
  }
  return problems;
}

/**
 * A full load's summary from the counts its steps committed: staging and load_errors as
 * verifyStaging read them in one snapshot (after the partitions' reports were checked against
 * them), each star table as its transform's INSERT counted it (the transform replaces the whole
 * table, which belongs to this run alone). Undefined when a count is missing: a verifyStaging
 * result recorded before it read the rejections by kind, or a star table not inserted.
 */
export function summaryFromSteps(account: StagingAccount, inserted: Record<string, number>): LoadSummary | undefined {
  if (!account.rejectedByKind || STAR_TABLES.some((table) => inserted[table] === undefined)) return undefined;
  const tables: Record<string, number> = {
    staging_events: account.stored.events.rowsLoaded,
    staging_songs: account.stored.songs.rowsLoaded,
    load_errors: account.stored.events.rowsRejected + account.stored.songs.rowsRejected,
  };
  for (const table of STAR_TABLES) tables[table] = inserted[table];
  return { tables, rejectedByKind: { ...account.rejectedByKind } };
}

export function loadNotAccounted(problems: string[], details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    type: LOAD_NOT_ACCOUNTED,
    nonRetryable: true,
    message: `the load does not add up, so it is not reported as complete: ${problems.join('; ')}`,
    details: [{ problems, ...details }],
  });
}
