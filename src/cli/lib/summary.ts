/** The human summary of a finished run: tables, rejections, stage durations, totals. */
import { describeSource } from '../../contract/source-location';
import { STAGES, type IncrementalOutcome, type SparkifyEtlResult } from '../../contract';

/** Star tables first (what users query), then staging and load_errors, then anything else. */
const TABLE_ORDER = ['songplays', 'users', 'songs', 'artists', 'time', 'staging_events', 'staging_songs', 'load_errors'];

function table(headers: [string, string], rows: Array<[string, string]>): string[] {
  const left = Math.max(headers[0].length, ...rows.map((r) => r[0].length));
  const right = Math.max(headers[1].length, ...rows.map((r) => r[1].length));
  const rule = `${'-'.repeat(left)}  ${'-'.repeat(right)}`;
  return [
    `${headers[0].padEnd(left)}  ${headers[1].padStart(right)}`,
    rule,
    ...rows.map(([a, b]) => `${a.padEnd(left)}  ${b.padStart(right)}`),
  ];
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** 1536 → "1.5 KiB": binary units, one decimal. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

export function renderSummary(workflowId: string, result: SparkifyEtlResult): string {
  const names = Object.keys(result.tables).sort((a, b) => {
    const ia = TABLE_ORDER.indexOf(a);
    const ib = TABLE_ORDER.indexOf(b);
    return (ia < 0 ? TABLE_ORDER.length : ia) - (ib < 0 ? TABLE_ORDER.length : ib) || a.localeCompare(b);
  });
  const lines = [`sparkifyEtl ${workflowId} completed in ${formatSeconds(result.totalMs)}`];
  if (result.source) lines.push(`source ${result.source.type} ${describeSource(result.source)}: ${formatBytes(result.bytesRead ?? 0)} read`);
  lines.push('');
  lines.push(...table(['table', 'rows'], names.map((name) => [name, String(result.tables[name])])));
  if (result.incremental) lines.push('', ...incrementalLines(result.incremental));
  lines.push('');
  const { read, loaded, rejected, rejectedByKind } = result.rows;
  lines.push(
    `rows read ${read}, loaded ${loaded}, rejected ${rejected}` +
      (result.accounted ? ' (every row accounted for)' : ' (MISMATCH: read != loaded + rejected)'),
  );
  const kinds = Object.entries(rejectedByKind).sort(([a], [b]) => a.localeCompare(b));
  if (kinds.length > 0) lines.push(`rejected by kind: ${kinds.map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  const recovery = result.recovery;
  if (recovery && (recovery.stagingRounds > 1 || recovery.warehouseRestarts > 0)) {
    lines.push(
      `recovered: the warehouse restarted ${recovery.warehouseRestarts} time(s); ` +
        `staging ran ${recovery.stagingRounds} time(s) (a crash empties staging, so it is loaded again)`,
    );
  }
  lines.push('');
  const stages = STAGES.filter((s) => result.durationsMs[s] !== undefined);
  const stageRows = stages.map((s): [string, string] => [s, formatSeconds(result.durationsMs[s]!)]);
  lines.push(...table(['stage', 'time'], [...stageRows, ['total', formatSeconds(result.totalMs)]]));
  if (result.quality) {
    const { checks, failed, mode } = result.quality;
    const marked = checks.map((c): [string, string] => [c.offendingRows > 0 ? `${c.check} (FAILED)` : c.check, String(c.offendingRows)]);
    lines.push('', ...table(['quality check', 'offending rows'], marked));
    if (failed.length > 0) {
      lines.push(`${failed.length} quality check(s) failed (quality: ${mode}):`);
      for (const c of checks.filter((c) => c.offendingRows > 0)) lines.push(`  ${c.check}: e.g. ${c.examples.join('; ')}`);
    } else {
      lines.push(`all ${checks.length} quality checks passed`);
    }
  }
  if (result.warehouse) {
    const w = result.warehouse;
    lines.push('', `warehouse kept: ${w.provider} ${w.user}@${w.host}:${w.port}/${w.database} schema ${w.schema}`);
  }
  return lines.join('\n');
}

/** What an incremental run added (the table above holds the warehouse's totals). */
function incrementalLines(inc: IncrementalOutcome): string[] {
  const lines = [
    `incremental load into warehouse ${inc.warehouseName} (tables above: its totals): ` +
      `${inc.filesAdded.events} event and ${inc.filesAdded.songs} song files loaded; ` +
      `${inc.filesAlreadyLoaded.events} event and ${inc.filesAlreadyLoaded.songs} song files loaded before` +
      (inc.filesOutsideWindow > 0 ? `; ${inc.filesOutsideWindow} event files outside --from/--to` : ''),
    `rows added: ${Object.entries(inc.rowsAdded).map(([table, n]) => `${table} +${n}`).join(', ')}; users updated ${inc.usersUpdated}`,
  ];
  if (inc.changedCount > 0) {
    const more = inc.changedCount > inc.changedFiles.length ? ` and ${inc.changedCount - inc.changedFiles.length} more` : '';
    lines.push(`CHANGED since loaded, not loaded again (--reload-changed loads them): ${inc.changedFiles.join(', ')}${more}`);
  }
  return lines;
}
