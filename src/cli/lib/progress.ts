/**
 * Live progress from the workflow's `progress` query: a redrawn bar on a terminal, plain lines
 * (on stage changes, and at most every few seconds otherwise) when output is a pipe or a file.
 */
import type { EtlProgress } from '../../contract';

/**
 * Share of the bar done when each stage starts; staging fills its span (up to the transforms) by
 * files done. 'transforms' runs the dimensions beside the fact, 'verify' the quality checks (an
 * incremental run's summary beside them); runs recorded before them have 'dimensions', 'fact', 'summarize', 'quality'. Stages not listed (lock, merge, unlock, an end in failure) show 0.
 */
const STAGE_START: Record<string, number> = {
  provision: 0,
  createTables: 0.05,
  plan: 0.08,
  staging: 0.1,
  transforms: 0.8,
  dimensions: 0.8,
  fact: 0.9,
  verify: 0.95,
  summarize: 0.95,
  quality: 0.97,
  teardown: 0.99,
  done: 1,
};

/** How much of the run is done, 0 to 1. */
export function progressFraction(p: EtlProgress): number {
  if (p.stage === 'staging') {
    const total = p.files.events.total + p.files.songs.total;
    const done = p.files.events.done + p.files.songs.done;
    return STAGE_START.staging + (STAGE_START.transforms - STAGE_START.staging) * (total > 0 ? done / total : 0);
  }
  return STAGE_START[p.stage] ?? 0;
}

/** One line of progress; with `elapsedMs`, the time since the watch started at the end. */
export function progressLine(p: EtlProgress, elapsedMs?: number): string {
  const { events, songs } = p.files;
  const parts = [
    `${p.stage.padEnd(12)}`,
    `files: events ${events.done}/${events.total}, songs ${songs.done}/${songs.total}`,
    `rows: ${p.rowsLoaded} loaded, ${p.rowsRejected} rejected`,
  ];
  if (elapsedMs !== undefined) parts.push(`${(elapsedMs / 1000).toFixed(1)}s`);
  return parts.join('  ');
}

export interface ProgressView {
  update(p: EtlProgress): void;
  /** Clears the bar so the next output starts on a clean line. */
  finish(): void;
}

const BAR_WIDTH = 24;
const PLAIN_INTERVAL_MS = 5000;

export function createProgressView(stream: NodeJS.WriteStream = process.stderr, now = () => Date.now()): ProgressView {
  const started = now();
  if (stream.isTTY) {
    let drawn = false;
    return {
      update(p) {
        const filled = Math.round(progressFraction(p) * BAR_WIDTH);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
        const text = `${bar} ${String(Math.round(progressFraction(p) * 100)).padStart(3)}%  ${progressLine(p, now() - started)}`;
        const width = stream.columns ? stream.columns - 1 : text.length;
        stream.write(`\r${text.slice(0, width).padEnd(width)}`);
        drawn = true;
      },
      finish() {
        if (drawn) stream.write('\n');
        drawn = false;
      },
    };
  }
  let lastStage = '';
  let lastWrite = 0;
  return {
    update(p) {
      const t = now();
      if (p.stage === lastStage && t - lastWrite < PLAIN_INTERVAL_MS) return;
      lastStage = p.stage;
      lastWrite = t;
      stream.write(`progress: ${progressLine(p, t - started)}\n`);
    },
    finish() {},
  };
}
