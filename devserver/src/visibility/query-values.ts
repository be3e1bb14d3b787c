/** Literal formats of the list-filter language: RFC3339 times, Go-style durations, execution status names. */

/** temporal.api.enums.v1.WorkflowExecutionStatus numbers by the names queries use ('Running', ...). */
export const EXECUTION_STATUS_BY_NAME: ReadonlyMap<string, number> = new Map([
  ['running', 1],
  ['completed', 2],
  ['failed', 3],
  ['canceled', 4],
  ['terminated', 5],
  ['continuedasnew', 6],
  ['timedout', 7],
  ['paused', 8],
]);

const EXECUTION_STATUS_NAMES = ['Unspecified', 'Running', 'Completed', 'Failed', 'Canceled', 'Terminated', 'ContinuedAsNew', 'TimedOut', 'Paused'];

/** The name the server shows for a status number ('Running', 'ContinuedAsNew', ...). */
export function executionStatusName(status: number): string {
  return EXECUTION_STATUS_NAMES[status] ?? String(status);
}

/** Accepts 'Running', 'running', 'WORKFLOW_EXECUTION_STATUS_RUNNING' (the enum's own name). */
export function parseExecutionStatus(text: string): number | undefined {
  const key = text.replace(/^WORKFLOW_EXECUTION_STATUS_/i, '').replace(/_/g, '').toLowerCase();
  return EXECUTION_STATUS_BY_NAME.get(key);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Epoch milliseconds (fractional, so sub-millisecond literals order correctly against millisecond records) of an RFC3339 time,
 * or undefined when the text is not one. Strict, as the server's time.Parse(RFC3339Nano) is.
 */
export function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  if (fields[1] < 1 || fields[1] > 12 || fields[2] < 1 || fields[2] > 31 || fields[3] > 23 || fields[4] > 59 || fields[5] > 60) {
    return undefined;
  }
  let ms = Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]);
  if (new Date(ms).getUTCDate() !== fields[2]) return undefined; // e.g. 2024-02-30
  if (fraction) ms += Number(`0${fraction}`) * 1000;
  if (zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const offsetMinutes = Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6));
    ms -= sign * offsetMinutes * 60_000;
  }
  return ms;
}

const DURATION_UNITS_NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds of a Go duration string such as '1h30m', '250ms', '1.5s'; undefined when malformed. */
export function parseGoDuration(text: string): number | undefined {
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (body === '0') return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  while (index < body.length) {
    part.lastIndex = index;
    const match = part.exec(body);
    if (!match) return undefined;
    total += Number(match[1]) * DURATION_UNITS_NS[match[2]];
    index = part.lastIndex;
  }
  if (index === 0) return undefined;
  return text.startsWith('-') ? -total : total;
}
