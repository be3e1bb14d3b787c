/** The terminal's account of a written report: where it is, its headline figures, the time it took. */
import * as path from 'node:path';
import type { WrittenReport } from '../../report/report';
import { formatSeconds } from './summary';

/** What the terminal shows after a report is written: its files, the headline figures and the time taken. */
export function renderReportLines(written: WrittenReport): string {
  const width = Math.max(...written.headlines.map((h) => h.label.length));
  return [
    `report written to ${path.join(written.directory, 'report.html')} (+ report.json and ${written.answers.length} CSV files) ` +
      `in ${formatSeconds(written.queryMs + written.renderMs)} (queries ${formatSeconds(written.queryMs)}, charts and files ${formatSeconds(written.renderMs)})`,
    ...written.headlines.map((h) => `  ${h.label.padEnd(width)}  ${h.value}`),
  ].join('\n');
}
