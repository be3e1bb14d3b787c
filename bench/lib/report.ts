import type { StageResult } from './stats';

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** A fixed-width table of every stage's medians. */
export function stageTable(results: StageResult[]): string {
  const header = ['scale', 'stage', 'rows', 'wall s', 'rows/s', 'MB/s', 'n'];
  const widths = [10, 24, 11, 9, 12, 8, 3];
  const lines = [header.map((h, i) => pad(h, widths[i], i !== 1)).join('  ')];
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of results) {
    lines.push(
      [
        pad(fmt(r.scale), widths[0], true),
        pad(r.stage, widths[1]),
        pad(fmt(r.rows), widths[2], true),
        pad(fmt(r.seconds, 3), widths[3], true),
        pad(fmt(r.rowsPerSecond), widths[4], true),
        pad(r.mbPerSecond === null ? '-' : fmt(r.mbPerSecond, 1), widths[5], true),
        pad(String(r.repeats), widths[6], true),
      ].join('  '),
    );
  }
  return lines.join('\n');
}
