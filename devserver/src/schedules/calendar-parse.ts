/**
 * The string forms of schedule specs compiled to their structured form, as the server does on
 * input: `CalendarSpec` fields ("*", "x", "x-z", "x/y", "x-z/y", lists, month and weekday names)
 * and `cron_string` (5, 6 or 7 fields, `@daily`-style shortcuts, `@every <interval>[/<phase>]`,
 * a `CRON_TZ=`/`TZ=` prefix and a trailing `# comment`).
 */
import type { Msg } from '../proto';

export class SpecError extends Error {}

/** Years a calendar can name; Temporal's own bounds. */
export const MIN_CALENDAR_YEAR = 2000;
export const MAX_CALENDAR_YEAR = 2100;

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

type Names = 'month' | 'weekday' | undefined;

interface FieldRule {
  name: string;
  min: number;
  max: number;
  fallback: string;
  names?: Names;
}

const FIELDS: Record<'second' | 'minute' | 'hour' | 'dayOfMonth' | 'month' | 'year' | 'dayOfWeek', FieldRule> = {
  second: { name: 'second', min: 0, max: 59, fallback: '0' },
  minute: { name: 'minute', min: 0, max: 59, fallback: '0' },
  hour: { name: 'hour', min: 0, max: 23, fallback: '0' },
  dayOfMonth: { name: 'day_of_month', min: 1, max: 31, fallback: '*' },
  month: { name: 'month', min: 1, max: 12, fallback: '*', names: 'month' },
  year: { name: 'year', min: MIN_CALENDAR_YEAR, max: MAX_CALENDAR_YEAR, fallback: '*' },
  // 7 is Sunday too.
  dayOfWeek: { name: 'day_of_week', min: 0, max: 7, fallback: '*', names: 'weekday' },
};

function parseValue(text: string, rule: FieldRule, min: number): number {
  const lower = text.trim().toLowerCase();
  // Month names need three letters, weekday names two (Temporal's prefixes).
  if (rule.names === 'month' && lower.length >= 3) {
    const index = MONTHS.findIndex((month) => month.startsWith(lower));
    if (index >= 0) return index + 1;
  }
  if (rule.names === 'weekday' && lower.length >= 2) {
    const index = WEEKDAYS.findIndex((day) => day.startsWith(lower));
    if (index >= 0) return index;
  }
  if (!/^\d+$/.test(lower)) throw new SpecError(`${rule.name}: "${text}" is not a number${rule.names ? ` or a ${rule.names} name` : ''}`);
  const value = Number(lower);
  if (value < min || value > rule.max) throw new SpecError(`${rule.name}: ${value} is out of range [${min}-${rule.max}]`);
  return value;
}

/** One CalendarSpec field string → Ranges (end 0 = single value, step 0 = 1, as the server stores them). */
function parseField(text: string | undefined, rule: FieldRule): Msg[] {
  const source = (text ?? '').trim() || rule.fallback;
  return source.split(',').map((part) => {
    let body = part.trim();
    let step = 1;
    let hasStep = false;
    if (body.includes('/')) {
      const pieces = body.split('/');
      if (pieces.length !== 2 || !/^\d+$/.test(pieces[1].trim())) throw new SpecError(`${rule.name}: malformed step in "${part}"`);
      step = Number(pieces[1].trim());
      if (step < 1) throw new SpecError(`${rule.name}: step must be at least 1 in "${part}"`);
      body = pieces[0].trim();
      hasStep = true;
    }
    let start = rule.min;
    let end = rule.max;
    if (body !== '*') {
      if (body.includes('-')) {
        const pieces = body.split('-');
        if (pieces.length !== 2) throw new SpecError(`${rule.name}: malformed range "${part}"`);
        start = parseValue(pieces[0], rule, rule.min);
        end = parseValue(pieces[1], rule, start);
      } else {
        start = parseValue(body, rule, rule.min);
        // "x/y" runs from x to the field's maximum; a plain "x" is just x.
        if (!hasStep) end = start;
      }
    }
    return { start, end: start === end ? 0 : end, step: step === 1 ? 0 : step };
  });
}

export function calendarToStructured(calendar: Msg): Msg {
  return {
    second: parseField(calendar.second, FIELDS.second),
    minute: parseField(calendar.minute, FIELDS.minute),
    hour: parseField(calendar.hour, FIELDS.hour),
    dayOfMonth: parseField(calendar.dayOfMonth, FIELDS.dayOfMonth),
    month: parseField(calendar.month, FIELDS.month),
    year: parseField(calendar.year, FIELDS.year),
    dayOfWeek: parseField(calendar.dayOfWeek, FIELDS.dayOfWeek),
    comment: calendar.comment ?? '',
  };
}

const SHORTCUTS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "1h30m", "2d" → milliseconds. */
export function parseDurationText(text: string, what: string): number {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = pattern.lastIndex;
  }
  if (!trimmed || consumed !== trimmed.length) throw new SpecError(`${what}: "${text}" is not a duration like 30s, 5m, 1h or 1d`);
  return total;
}

export interface ParsedCron {
  calendar?: Msg;
  interval?: Msg;
  /** From a CRON_TZ= or TZ= prefix; '' when absent. */
  timezone: string;
}

export function parseCronString(cron: string): ParsedCron {
  let text = cron.trim();
  let comment = '';
  const hash = text.indexOf('#');
  if (hash >= 0) {
    comment = text.slice(hash + 1).trim();
    text = text.slice(0, hash).trim();
  }
  let timezone = '';
  if (text.startsWith('TZ=') || text.startsWith('CRON_TZ=')) {
    const space = text.search(/\s/);
    if (space < 0) throw new SpecError(`cron_string "${cron}": nothing follows the time zone`);
    timezone = text.slice(text.indexOf('=') + 1, space);
    text = text.slice(space).trim();
  }
  if (text.startsWith('@every')) {
    const rest = text.slice('@every'.length).trim();
    if (!rest) throw new SpecError(`cron_string "${cron}": @every needs an interval`);
    const [every, phase] = rest.split('/');
    const intervalMs = parseDurationText(every, `cron_string "${cron}"`);
    const phaseMs = phase === undefined ? 0 : parseDurationText(phase, `cron_string "${cron}"`);
    return { interval: { intervalMs, phaseMs }, timezone: '' };
  }
  text = SHORTCUTS[text] ?? text;
  const fields = text.split(/\s+/).filter(Boolean);
  const calendar: Msg = { comment };
  if (fields.length === 5) [calendar.minute, calendar.hour, calendar.dayOfMonth, calendar.month, calendar.dayOfWeek] = fields;
  else if (fields.length === 6) [calendar.minute, calendar.hour, calendar.dayOfMonth, calendar.month, calendar.dayOfWeek, calendar.year] = fields;
  else if (fields.length === 7) [calendar.second, calendar.minute, calendar.hour, calendar.dayOfMonth, calendar.month, calendar.dayOfWeek, calendar.year] = fields;
  else throw new SpecError(`cron_string "${cron}": expected 5, 6 or 7 fields or a shortcut like @daily, got ${fields.length} fields`);
  try {
    return { calendar: calendarToStructured(calendar), timezone };
  } catch (error) {
    if (error instanceof SpecError) throw new SpecError(`cron_string "${cron}": ${error.message}`);
    throw error;
  }
}
