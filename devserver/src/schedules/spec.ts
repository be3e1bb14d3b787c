/**
 * A schedule's spec: canonicalised as the server stores it (calendar and cron_string compiled into
 * structured_calendar, interval and timezone_name) and the times it matches, computed as Temporal
 * documents them: the union of calendar and interval times, minus exclusions, within start/end time,
 * at one-second resolution, each pushed later by a deterministic jitter. Calendars match wall-clock
 * time in the spec's IANA time zone (via Luxon): a 02:30 that a DST change skips does not fire, a
 * 01:30 that it repeats fires twice.
 */
import { IANAZone, FixedOffsetZone, Zone } from 'luxon';
import { Msg, durationToMs, msToDuration, timestampToMs } from '../proto';
import { MAX_CALENDAR_YEAR, MIN_CALENDAR_YEAR, SpecError, calendarToStructured, parseCronString } from './calendar-parse';

export { SpecError };

interface FieldBounds {
  name: string;
  min: number;
  max: number;
}

const STRUCTURED_FIELDS: Record<string, FieldBounds> = {
  second: { name: 'Second', min: 0, max: 59 },
  minute: { name: 'Minute', min: 0, max: 59 },
  hour: { name: 'Hour', min: 0, max: 23 },
  dayOfMonth: { name: 'DayOfMonth', min: 1, max: 31 },
  month: { name: 'Month', min: 1, max: 12 },
  year: { name: 'Year', min: MIN_CALENDAR_YEAR, max: MAX_CALENDAR_YEAR },
  dayOfWeek: { name: 'DayOfWeek', min: 0, max: 7 },
};

function cleanRanges(ranges: Msg[] | undefined): Msg[] {
  return (ranges ?? []).map((range) => {
    const start = range.start ?? 0;
    const end = range.end ?? 0;
    const step = range.step ?? 0;
    return { start, end: end < start ? start : end, step: step === 0 ? 1 : step };
  });
}

function validateStructured(calendar: Msg): Msg {
  const problems: string[] = [];
  const cleaned: Msg = { comment: calendar.comment ?? '' };
  for (const [field, bounds] of Object.entries(STRUCTURED_FIELDS)) {
    for (const range of calendar[field] ?? []) {
      const start = range.start ?? 0;
      const end = range.end ?? 0;
      if (start < bounds.min || start > bounds.max) problems.push(`${bounds.name} Start is not in range [${bounds.min}-${bounds.max}]`);
      if (end !== 0 && (end < start || end > bounds.max)) problems.push(`${bounds.name} End is before Start or not in range [${bounds.min}-${bounds.max}]`);
      if ((range.step ?? 0) < 0) problems.push(`${bounds.name} has invalid Step`);
    }
    cleaned[field] = cleanRanges(calendar[field]);
  }
  if (problems.length > 0) throw new SpecError(`invalid calendar spec: ${problems.join(', ')}`);
  return cleaned;
}

function validateInterval(interval: Msg): Msg {
  const everyMs = durationToMs(interval.interval);
  const phaseMs = durationToMs(interval.phase);
  if (everyMs < 1000) throw new SpecError('interval is too small (at least 1s)');
  if (phaseMs < 0) throw new SpecError('phase is negative');
  if (phaseMs >= everyMs) throw new SpecError('phase cannot be greater than Interval');
  return { interval: msToDuration(everyMs), phase: phaseMs > 0 ? msToDuration(phaseMs) : undefined };
}

/** The spec as the server keeps and describes it; throws SpecError naming what is wrong. */
export function canonicalizeSpec(spec: Msg | null | undefined): Msg {
  const input = spec ?? {};
  const structured: Msg[] = [...(input.structuredCalendar ?? [])];
  const intervals: Msg[] = [...(input.interval ?? [])];
  const excludes: Msg[] = [...(input.excludeStructuredCalendar ?? [])];
  for (const calendar of input.calendar ?? []) structured.push(calendarToStructured(calendar));
  for (const calendar of input.excludeCalendar ?? []) excludes.push(calendarToStructured(calendar));
  let timezoneName: string = input.timezoneName ?? '';
  let cronZone: string | undefined;
  for (const cron of input.cronString ?? []) {
    const parsed = parseCronString(cron);
    if (cronZone !== undefined && parsed.timezone !== cronZone) throw new SpecError('conflicting timezone names');
    cronZone = parsed.timezone;
    if (parsed.calendar) structured.push(parsed.calendar);
    if (parsed.interval) intervals.push({ interval: msToDuration(parsed.interval.intervalMs), phase: msToDuration(parsed.interval.phaseMs) });
  }
  if (cronZone) {
    if ((timezoneName && timezoneName !== cronZone) || input.timezoneData?.length) throw new SpecError('conflicting timezone names');
    timezoneName = cronZone;
  }
  if (input.timezoneData?.length) throw new SpecError('timezone_data (a TZif file) is not supported by the devserver; use timezone_name');
  zoneOf(timezoneName);
  const jitterMs = durationToMs(input.jitter);
  if (jitterMs < 0) throw new SpecError('jitter is negative');
  return {
    structuredCalendar: structured.map(validateStructured),
    interval: intervals.map(validateInterval),
    excludeStructuredCalendar: excludes.map(validateStructured),
    startTime: input.startTime ? input.startTime : undefined,
    endTime: input.endTime ? input.endTime : undefined,
    jitter: jitterMs > 0 ? msToDuration(jitterMs) : undefined,
    timezoneName,
  };
}

/** An IANA zone by name ('' and 'UTC' are UTC); an unknown name is a SpecError. */
function zoneOf(name: string): Zone {
  if (!name || name === 'UTC') return FixedOffsetZone.utcInstance;
  if (!IANAZone.isValidZone(name)) throw new SpecError(`unknown time zone "${name}"`);
  return IANAZone.create(name);
}

/** One structured calendar: a boolean table per field. */
class CompiledCalendar {
  private readonly years: Set<number> | undefined;
  private readonly months = new Array<boolean>(13).fill(false);
  private readonly days = new Array<boolean>(32).fill(false);
  private readonly weekdays = new Array<boolean>(7).fill(false);
  private readonly hours = new Array<boolean>(24).fill(false);
  private readonly minutes = new Array<boolean>(60).fill(false);
  private readonly seconds = new Array<boolean>(60).fill(false);

  constructor(input: Msg) {
    // Cleaned again: a calendar read back from protobuf has its zero and empty fields left out.
    const calendar: Msg = {};
    for (const field of Object.keys(STRUCTURED_FIELDS)) calendar[field] = cleanRanges(input[field]);
    const fill = (table: boolean[], ranges: Msg[], modulo?: number) => {
      for (const range of ranges) for (let value = range.start; value <= range.end; value += range.step) table[modulo ? value % modulo : value] = true;
    };
    fill(this.months, calendar.month);
    fill(this.days, calendar.dayOfMonth);
    fill(this.weekdays, calendar.dayOfWeek, 7);
    fill(this.hours, calendar.hour);
    fill(this.minutes, calendar.minute);
    fill(this.seconds, calendar.second);
    // No year ranges means every year.
    if (calendar.year.length > 0) {
      this.years = new Set();
      for (const range of calendar.year) for (let value = range.start; value <= range.end; value += range.step) this.years.add(value);
    }
  }

  matchesWall(wall: Wall): boolean {
    return (
      (!this.years || this.years.has(wall.year)) &&
      this.months[wall.month] &&
      this.days[wall.day] &&
      this.weekdays[weekdayOf(wall.year, wall.month, wall.day)] &&
      this.hours[wall.hour] &&
      this.minutes[wall.minute] &&
      this.seconds[wall.second]
    );
  }

  /** The first matching wall-clock time at or after `from`, or undefined before MAX_CALENDAR_YEAR ends. */
  nextWall(from: Wall): Wall | undefined {
    let { year, month, day, hour, minute, second } = from;
    for (;;) {
      // Carries first, then fields from the outside in.
      if (second > 59) [minute, second] = [minute + 1, 0];
      if (minute > 59) [hour, minute] = [hour + 1, 0];
      if (hour > 23) [day, hour] = [day + 1, 0];
      if (day > daysInMonth(year, month)) [month, day] = [month + 1, 1];
      if (month > 12) [year, month] = [year + 1, 1];
      if (year > MAX_CALENDAR_YEAR) return undefined;
      if (this.years && !this.years.has(year)) {
        [year, month, day, hour, minute, second] = [year + 1, 1, 1, 0, 0, 0];
        continue;
      }
      if (!this.months[month]) {
        [month, day, hour, minute, second] = [month + 1, 1, 0, 0, 0];
        continue;
      }
      if (!this.days[day] || !this.weekdays[weekdayOf(year, month, day)]) {
        [day, hour, minute, second] = [day + 1, 0, 0, 0];
        continue;
      }
      if (!this.hours[hour]) {
        [hour, minute, second] = [hour + 1, 0, 0];
        continue;
      }
      if (!this.minutes[minute]) {
        [minute, second] = [minute + 1, 0];
        continue;
      }
      if (!this.seconds[second]) {
        second += 1;
        continue;
      }
      return { year, month, day, hour, minute, second };
    }
  }
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

function wallAsUtcSeconds(wall: Wall): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) / 1000;
}

function addSeconds(wall: Wall, seconds: number): Wall {
  return wallFromUtcSeconds(wallAsUtcSeconds(wall) + seconds);
}

function wallFromUtcSeconds(seconds: number): Wall {
  const date = new Date(seconds * 1000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** The longest a DST (or other) change moves clocks back; the search looks this far around it. */
const MAX_ZONE_SHIFT_SECONDS = 3 * 3600;

export interface NextTime {
  /** The matching time before jitter (epoch ms, whole seconds). */
  nominalMs: number;
  /** The time the action is due: nominal plus jitter. */
  nextMs: number;
}

export class CompiledSpec {
  readonly canonical: Msg;
  private readonly zone: Zone;
  private readonly calendars: CompiledCalendar[];
  private readonly excludes: CompiledCalendar[];
  private readonly intervals: { every: number; phase: number }[];
  private readonly startSec: number | undefined;
  private readonly endSec: number | undefined;
  private readonly jitterMs: number;

  /** `spec` must be canonical (see canonicalizeSpec). */
  constructor(spec: Msg) {
    this.canonical = spec;
    this.zone = zoneOf(spec.timezoneName ?? '');
    this.calendars = (spec.structuredCalendar ?? []).map((calendar: Msg) => new CompiledCalendar(calendar));
    this.excludes = (spec.excludeStructuredCalendar ?? []).map((calendar: Msg) => new CompiledCalendar(calendar));
    this.intervals = (spec.interval ?? []).map((interval: Msg) => ({
      every: Math.max(1, Math.floor(durationToMs(interval.interval) / 1000)),
      phase: Math.max(0, Math.floor(durationToMs(interval.phase) / 1000)),
    }));
    this.startSec = spec.startTime ? Math.floor(timestampToMs(spec.startTime) / 1000) : undefined;
    this.endSec = spec.endTime ? Math.floor(timestampToMs(spec.endTime) / 1000) : undefined;
    this.jitterMs = durationToMs(spec.jitter);
  }

  /** The first action time strictly after `afterMs`, or undefined when the spec has none left. */
  next(afterMs: number, jitterSeed: string): NextTime | undefined {
    let afterSec = Math.floor(afterMs / 1000);
    // Before the start time: look from just before it, so its own first second can match.
    if (this.startSec !== undefined && afterSec < this.startSec) afterSec = this.startSec - 1;
    let nominal: number | undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      nominal = this.rawNext(afterSec);
      if (nominal === undefined || (this.endSec !== undefined && nominal > this.endSec)) return undefined;
      if (!this.isExcluded(nominal)) break;
      afterSec = nominal;
      nominal = undefined;
    }
    if (nominal === undefined) return undefined;
    let maxJitterMs = this.jitterMs;
    if (maxJitterMs > 0) {
      // Jitter never pushes an action past the next nominal time.
      const following = this.rawNext(nominal);
      if (following !== undefined) maxJitterMs = Math.min(maxJitterMs, (following - nominal) * 1000);
    }
    const nominalMs = nominal * 1000;
    return { nominalMs, nextMs: nominalMs + jitterFor(`${nominal}:${jitterSeed}`, maxJitterMs) };
  }

  /** The earliest calendar or interval time after `afterSec` (no exclusions, no end time). */
  private rawNext(afterSec: number): number | undefined {
    let best: number | undefined;
    for (const { every, phase } of this.intervals) {
      const candidate = (Math.floor((afterSec - phase) / every) + 1) * every + phase;
      if (best === undefined || candidate < best) best = candidate;
    }
    for (const calendar of this.calendars) {
      const candidate = this.calendarNext(calendar, afterSec);
      if (candidate !== undefined && (best === undefined || candidate < best)) best = candidate;
    }
    return best;
  }

  private offsetSeconds(epochSec: number): number {
    return this.zone.offset(epochSec * 1000) * 60;
  }

  /** Instants (epoch seconds) whose local wall-clock time is `wall`: none in a DST gap, two in a repeated hour. */
  private instantsOf(wall: Wall): number[] {
    const asUtc = wallAsUtcSeconds(wall);
    const offsets = new Set([this.offsetSeconds(asUtc - 86_400), this.offsetSeconds(asUtc + 86_400), this.offsetSeconds(asUtc)]);
    const instants: number[] = [];
    for (const offset of offsets) {
      const instant = asUtc - offset;
      if (this.offsetSeconds(instant) === offset && !instants.includes(instant)) instants.push(instant);
    }
    return instants.sort((a, b) => a - b);
  }

  private calendarNext(calendar: CompiledCalendar, afterSec: number): number | undefined {
    if (this.zone.isUniversal) {
      const offset = this.offsetSeconds(afterSec);
      const wall = calendar.nextWall(wallFromUtcSeconds(afterSec + 1 + offset));
      return wall ? wallAsUtcSeconds(wall) - offset : undefined;
    }
    // Wall-clock order and instant order differ only around a change that sets clocks back, so
    // search walls from a little before `after`'s own wall time and keep the earliest instant.
    let wall = calendar.nextWall(wallFromUtcSeconds(afterSec + this.offsetSeconds(afterSec) - MAX_ZONE_SHIFT_SECONDS));
    let best: number | undefined;
    let bestWallSec = 0;
    while (wall) {
      const wallSec = wallAsUtcSeconds(wall);
      if (best !== undefined && wallSec > bestWallSec + MAX_ZONE_SHIFT_SECONDS) break;
      for (const instant of this.instantsOf(wall)) {
        if (instant > afterSec && (best === undefined || instant < best)) {
          best = instant;
          bestWallSec = wallSec;
          // Without a clock change nearby, the first instant found is the earliest.
          if (this.offsetSeconds(afterSec - MAX_ZONE_SHIFT_SECONDS) === this.offsetSeconds(instant + MAX_ZONE_SHIFT_SECONDS)) return best;
        }
      }
      wall = calendar.nextWall(addSeconds(wall, 1));
    }
    return best;
  }

  private isExcluded(epochSec: number): boolean {
    if (this.excludes.length === 0) return false;
    const wall = wallFromUtcSeconds(epochSec + this.offsetSeconds(epochSec));
    return this.excludes.some((calendar) => calendar.matchesWall(wall));
  }
}

/** A fraction of `maxMs` fixed by the seed (FNV-1a), so a restart computes the same jitter. */
function jitterFor(seed: string, maxMs: number): number {
  if (maxMs <= 0) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return Math.floor((hash / 2 ** 32) * maxMs);
}
