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

/** Order of (ts, file, line): songplay_id order and "latest event" order. */
function compareEvents(a: Located<EventRow>, b: Located<EventRow>): number {
  if (a.row.ts !== b.row.ts) return a.row.ts < b.row.ts ? -1 : 1;
  const byFile = comparePaths(a.file, b.file);
  return byFile !== 0 ? byFile : a.line - b.line;
}

/** (song_id, file) order; ids compare by bytes, like SQL under the C collation. */
function compareSongRows(a: Located<SongRow>, b: Located<SongRow>): number {
  const byId = comparePaths(a.row.song_id, b.row.song_id);
  return byId !== 0 ? byId : comparePaths(a.file, b.file);
}

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

  // songs: one per song_id, from the smallest file path. artists: from the smallest song_id.
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
    // Rows are in (song_id, file) order, so the first row per key has the lowest song_id.
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

  // users: the latest event of each non-empty userId (events are in (ts, file, line) order).
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
