/**
 * The reference computation: reads a dataset directory, applies docs/data-rules.md, and computes
 * the exact results the pipeline must produce (expected.json). Shares no code with the pipeline
 * or the generator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { round5Key } from './decimal';
import { comparePaths, listInputFiles } from './dataset-files';
import { checkEventLine, checkSongFile, EventRow, eventRows, ReasonKind, SongRow } from './rules';

/** A sum as a JSON number when exact, else as a decimal string (sums of epoch ms get large). */
export type ExactSum = number | string;

export interface Expected {
  read: { events: number; songs: number };
  tables: {
    staging_events: number;
    staging_songs: number;
    songplays: number;
    users: number;
    songs: number;
    artists: number;
    time: number;
    load_errors: number;
  };
  /** Only kinds that occur, as a GROUP BY reason_kind gives them. */
  rejectedByKind: Partial<Record<ReasonKind, number>>;
  songplaysWithSong: number;
  songplaysByLevel: { free: number; paid: number };
  usersByLevel: { free: number; paid: number };
  /** time rows per weekday, 0 = Sunday ... 6 = Saturday. */
  timeByWeekday: number[];
  checksums: {
    songplaysStartTimeSumMs: ExactSum;
    /** Sum over songplays of songplay_id * session_id: changes if the songplay_id order differs. */
    songplaysIdTimesSessionIdSum: ExactSum;
    /** Sum of the numeric user_id of songplays with a user. */
    songplaysUserIdSum: ExactSum;
    /** Sum of users.user_id over users whose id is a decimal integer. */
    usersIdSum: ExactSum;
    timeHourSum: number;
    timeIsoWeekSum: number;
  };
  /** artists whose song rows disagree on name or place, with the values the rule picks. */
  conflictingArtists: Array<{
    artist_id: string; name: string; location: string | null; latitude: number | null; longitude: number | null;
  }>;
  /** song_ids with more than one staging row, with the row the songs table keeps. */
  duplicateSongIds: Array<{ song_id: string; title: string; artist_id: string; year: number; duration: number }>;
}

interface Located<T> {
  row: T;
  file: string;
  line: number;
}

function exact(sum: bigint): ExactSum {
  return sum <= BigInt(Number.MAX_SAFE_INTEGER) && sum >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(sum) : sum.toString();
}

/** Ascending, NULL after every value (SQL's default for ASC). Text compares by bytes (C collation). */
function compareValues(a: string | number | null, b: string | number | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') return comparePaths(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBy<T>(fields: Array<(row: T) => string | number | null>): (a: Located<T>, b: Located<T>) => number {
  return (a, b) => {
    for (const field of fields) {
      const order = compareValues(field(a.row), field(b.row));
      if (order !== 0) return order;
    }
    return 0;
  };
}

/**
 * Event order, on the rows' own contents (no file or line: Redshift's COPY records none):
 * songplay_id order, and the last event of a user is its "latest". Events equal in all these
 * fields give equal songplays and users rows, so ties need no further rule.
 */
export const compareEvents = compareBy<EventRow>([
  (r) => r.ts, (r) => r.sessionId, (r) => r.itemInSession, (r) => r.userId, (r) => r.level, (r) => r.firstName,
  (r) => r.lastName, (r) => r.gender, (r) => r.location, (r) => r.userAgent, (r) => r.song, (r) => r.artist, (r) => r.length,
]);

/** Song order: lowest song_id, then the row's other fields; picks the songs, artists and matching rows. */
export const compareSongRows = compareBy<SongRow>([
  (r) => r.song_id, (r) => r.title, (r) => r.artist_id, (r) => r.artist_name, (r) => r.artist_location,
  (r) => r.artist_latitude, (r) => r.artist_longitude, (r) => r.year, (r) => r.duration,
]);

function matchKey(title: string, artist: string, duration: number): string {
  return `${round5Key(duration)}\u0000${artist}\u0000${title}`;
}

function isoWeek(date: Date): number {
  // ISO week: the week containing the Thursday of this date's Monday-based week.
  const thursday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekdayMondayZero = (thursday.getUTCDay() + 6) % 7;
  thursday.setUTCDate(thursday.getUTCDate() - weekdayMondayZero + 3);
  const firstThursday = new Date(Date.UTC(thursday.getUTCFullYear(), 0, 4));
  const firstWeekdayMondayZero = (firstThursday.getUTCDay() + 6) % 7;
  firstThursday.setUTCDate(firstThursday.getUTCDate() - firstWeekdayMondayZero + 3);
  return 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * 86400000));
}

export function computeExpected(root: string): Expected {
  const rejected: Partial<Record<ReasonKind, number>> = {};
  const reject = (kind: ReasonKind) => {
    rejected[kind] = (rejected[kind] ?? 0) + 1;
  };

  const songRows: Located<SongRow>[] = [];
  const songFiles = listInputFiles(root, 'song_data');
  for (const file of songFiles) {
    const verdict = checkSongFile(fs.readFileSync(path.join(root, file), 'utf8'));
    if (verdict.ok) songRows.push({ row: verdict.row, file, line: 1 });
    else reject(verdict.kind);
  }

  const events: Located<EventRow>[] = [];
  let eventsRead = 0;
  for (const file of listInputFiles(root, 'log_data')) {
    for (const { line, text } of eventRows(fs.readFileSync(path.join(root, file), 'utf8'))) {
      eventsRead++;
      const verdict = checkEventLine(text);
      if (verdict.ok) events.push({ row: verdict.row, file, line });
      else reject(verdict.kind);
    }
  }

  // songs, artists and song matches: the first row in song order.
  songRows.sort(compareSongRows);
  const songsById = new Map<string, Located<SongRow>>();
  const songRowCount = new Map<string, number>();
  const artistRows = new Map<string, Located<SongRow>[]>();
  const matches = new Map<string, SongRow>();
  for (const located of songRows) {
    const song = located.row;
    if (!songsById.has(song.song_id)) songsById.set(song.song_id, located);
    songRowCount.set(song.song_id, (songRowCount.get(song.song_id) ?? 0) + 1);
    const list = artistRows.get(song.artist_id) ?? [];
    list.push(located);
    artistRows.set(song.artist_id, list);
    // Rows are in song order, so the first row per key has the lowest song_id.
    const key = matchKey(song.title, song.artist_name, song.duration);
    if (!matches.has(key)) matches.set(key, song);
  }

  const conflictingArtists: Expected['conflictingArtists'] = [];
  for (const [artistId, rows] of [...artistRows.entries()].sort(([a], [b]) => comparePaths(a, b))) {
    const chosen = rows[0].row;
    const place = (r: SongRow) => JSON.stringify([r.artist_name, r.artist_location, r.artist_latitude, r.artist_longitude]);
    if (rows.some((r) => place(r.row) !== place(chosen))) {
      conflictingArtists.push({
        artist_id: artistId, name: chosen.artist_name, location: chosen.artist_location,
        latitude: chosen.artist_latitude, longitude: chosen.artist_longitude,
      });
    }
  }
  const duplicateSongIds: Expected['duplicateSongIds'] = [];
  for (const [songId, located] of songsById) {
    if ((songRowCount.get(songId) ?? 0) < 2) continue;
    const s = located.row;
    duplicateSongIds.push({ song_id: songId, title: s.title, artist_id: s.artist_id, year: s.year, duration: s.duration });
  }
  duplicateSongIds.sort((a, b) => comparePaths(a.song_id, b.song_id));

  // songplays, in songplay_id order.
  events.sort(compareEvents);
  let songplays = 0;
  let withSong = 0;
  const songplaysByLevel = { free: 0, paid: 0 };
  let startTimeSum = 0n;
  let idTimesSession = 0n;
  let userIdSum = 0n;
  const startTimes = new Set<number>();
  for (const { row } of events) {
    if (row.page !== 'NextSong') continue;
    songplays++;
    if (row.song !== null && row.artist !== null && row.length !== null &&
        matches.has(matchKey(row.song, row.artist, row.length))) {
      withSong++;
    }
    if (row.level === 'free' || row.level === 'paid') songplaysByLevel[row.level]++;
    startTimeSum += BigInt(row.ts);
    idTimesSession += BigInt(songplays) * BigInt(row.sessionId);
    if (/^-?\d+$/.test(row.userId)) userIdSum += BigInt(row.userId);
    startTimes.add(row.ts);
  }

  // users: the last event of each non-empty userId in event order.
  const latest = new Map<string, EventRow>();
  for (const { row } of events) if (row.userId !== '') latest.set(row.userId, row);
  const usersByLevel = { free: 0, paid: 0 };
  let usersIdSum = 0n;
  for (const [userId, row] of latest) {
    if (row.level === 'free' || row.level === 'paid') usersByLevel[row.level]++;
    if (/^-?\d+$/.test(userId)) usersIdSum += BigInt(userId);
  }

  const timeByWeekday = [0, 0, 0, 0, 0, 0, 0];
  let timeHourSum = 0;
  let timeIsoWeekSum = 0;
  for (const ts of startTimes) {
    const date = new Date(ts);
    timeByWeekday[date.getUTCDay()]++;
    timeHourSum += date.getUTCHours();
    timeIsoWeekSum += isoWeek(date);
  }

  const loadErrors = Object.values(rejected).reduce((sum, n) => sum + (n ?? 0), 0);
  const rejectedByKind: Partial<Record<ReasonKind, number>> = {};
  for (const kind of Object.keys(rejected).sort() as ReasonKind[]) rejectedByKind[kind] = rejected[kind];

  return {
    read: { events: eventsRead, songs: songFiles.length },
    tables: {
      staging_events: events.length,
      staging_songs: songRows.length,
      songplays,
      users: latest.size,
      songs: songsById.size,
      artists: artistRows.size,
      time: startTimes.size,
      load_errors: loadErrors,
    },
    rejectedByKind,
    songplaysWithSong: withSong,
    songplaysByLevel,
    usersByLevel,
    timeByWeekday,
    checksums: {
      songplaysStartTimeSumMs: exact(startTimeSum),
      songplaysIdTimesSessionIdSum: exact(idTimesSession),
      songplaysUserIdSum: exact(userIdSum),
      usersIdSum: exact(usersIdSum),
      timeHourSum,
      timeIsoWeekSum,
    },
    conflictingArtists,
    duplicateSongIds,
  };
}

/** expected.json text: two-space indentation and a final newline. */
export function expectedText(expected: Expected): string {
  return JSON.stringify(expected, null, 2) + '\n';
}
