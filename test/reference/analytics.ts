/**
 * The answers sql/analytics/ must give, computed from a dataset's JSON files by the rules of
 * docs/data-rules.md, without SQL and without the pipeline's code: the star rows are derived here
 * (songplays, users, songs, artists) and every question is answered over them in plain TypeScript.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareEvents, compareSongRows } from './compute';
import { comparePaths, listInputFiles } from './dataset-files';
import { round5Key } from './decimal';
import { checkEventLine, checkSongFile, eventRows, type EventRow, type SongRow } from './rules';

type Cell = string | number | null;
type Row = Record<string, Cell>;

interface Play {
  id: number;
  ts: number;
  userId: string | null;
  level: string;
  songId: string | null;
  artistId: string | null;
  sessionId: number;
  location: string | null;
  userAgent: string | null;
}

interface Located<T> {
  row: T;
  file: string;
  line: number;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** x / y rounded half up to 2 decimals, exactly (x, y non-negative integers, y > 0). */
function round2(x: bigint, y: bigint): number {
  return Number((200n * x + y) / (2n * y)) / 100;
}

function utcText(ts: number): string {
  return new Date(ts).toISOString().slice(0, 19).replace('T', ' ');
}

function browserOf(agent: string | null): string {
  if (agent === null) return 'other';
  if (agent.includes('Edge/')) return 'Edge';
  if (agent.includes('Chromium/')) return 'Chromium';
  if (agent.includes('Chrome/')) return 'Chrome';
  if (agent.includes('Firefox/')) return 'Firefox';
  if (agent.includes('MSIE ') || agent.includes('Trident/')) return 'Internet Explorer';
  if (agent.includes('Safari/')) return 'Safari';
  return 'other';
}

function osOf(agent: string | null): string {
  if (agent === null) return 'other';
  if (agent.includes('iPhone') || agent.includes('iPad')) return 'iOS';
  if (agent.includes('Android')) return 'Android';
  if (agent.includes('Windows')) return 'Windows';
  if (agent.includes('Mac OS X')) return 'macOS';
  if (agent.includes('Linux')) return 'Linux';
  return 'other';
}

function byPlaysThen(a: { plays: number; key: string }, b: { plays: number; key: string }): number {
  return b.plays - a.plays || comparePaths(a.key, b.key);
}

/** Every question's rows, keyed by the question's file name. */
export function computeAnswers(root: string): Record<string, Row[]> {
  const songRows: Located<SongRow>[] = [];
  for (const file of listInputFiles(root, 'song_data')) {
    const verdict = checkSongFile(fs.readFileSync(path.join(root, file), 'utf8'));
    if (verdict.ok) songRows.push({ row: verdict.row, file, line: 1 });
  }
  const events: Located<EventRow>[] = [];
  for (const file of listInputFiles(root, 'log_data')) {
    for (const { line, text } of eventRows(fs.readFileSync(path.join(root, file), 'utf8'))) {
      const verdict = checkEventLine(text);
      if (verdict.ok) events.push({ row: verdict.row, file, line });
    }
  }

  // songs, artists and song matches: the first row in song order (the rules' order, shared with compute.ts).
  songRows.sort(compareSongRows);
  const songTitle = new Map<string, string>();
  const artistName = new Map<string, string>();
  const matches = new Map<string, SongRow>();
  for (const { row } of songRows) {
    if (!songTitle.has(row.song_id)) songTitle.set(row.song_id, row.title);
    if (!artistName.has(row.artist_id)) artistName.set(row.artist_id, row.artist_name);
    const key = `${round5Key(row.duration)}\u0000${row.artist_name}\u0000${row.title}`;
    if (!matches.has(key)) matches.set(key, row);
  }

  // Event order: songplay_id order, and a user's last event is its latest.
  events.sort(compareEvents);
  const plays: Play[] = [];
  const latest = new Map<string, EventRow>();
  for (const { row } of events) {
    if (row.userId !== '') latest.set(row.userId, row);
    if (row.page !== 'NextSong') continue;
    const song =
      row.song !== null && row.artist !== null && row.length !== null
        ? matches.get(`${round5Key(row.length)}\u0000${row.artist}\u0000${row.song}`)
        : undefined;
    plays.push({
      id: plays.length + 1,
      ts: row.ts,
      userId: row.userId === '' ? null : row.userId,
      level: row.level,
      songId: song?.song_id ?? null,
      artistId: song?.artist_id ?? null,
      sessionId: row.sessionId,
      location: row.location,
      userAgent: row.userAgent,
    });
  }

  const answers: Record<string, Row[]> = {};

  const songPlays = new Map<string, number>();
  const artistPlays = new Map<string, number>();
  const artistSongs = new Map<string, Set<string>>();
  for (const p of plays) {
    if (p.songId !== null) count(songPlays, p.songId);
    if (p.artistId !== null) {
      count(artistPlays, p.artistId);
      const songs = artistSongs.get(p.artistId) ?? new Set<string>();
      if (p.songId !== null) songs.add(p.songId);
      artistSongs.set(p.artistId, songs);
    }
  }
  const songArtist = new Map(plays.filter((p) => p.songId !== null).map((p) => [p.songId!, p.artistId!]));
  answers.top_songs = [...songPlays]
    .map(([key, n]) => ({ key, plays: n }))
    .sort(byPlaysThen)
    .slice(0, 10)
    .map(({ key, plays: n }) => ({ title: songTitle.get(key)!, artist: artistName.get(songArtist.get(key)!)!, plays: n }));
  answers.top_artists = [...artistPlays]
    .map(([key, n]) => ({ key, plays: n }))
    .sort(byPlaysThen)
    .slice(0, 10)
    .map(({ key, plays: n }) => ({ artist: artistName.get(key)!, plays: n, songs: artistSongs.get(key)!.size }));

  const byHour = new Map<number, number>();
  const byWeekday = new Map<number, number>();
  for (const p of plays) {
    count(byHour, new Date(p.ts).getUTCHours());
    count(byWeekday, new Date(p.ts).getUTCDay());
  }
  answers.plays_by_hour = [...byHour].sort(([a], [b]) => a - b).map(([hour, n]) => ({ hour, plays: n }));
  answers.plays_by_weekday = [...byWeekday].sort(([a], [b]) => a - b).map(([weekday, n]) => ({ weekday, day: WEEKDAYS[weekday], plays: n }));

  const levels = new Set<string>([...[...latest.values()].map((e) => e.level), ...plays.map((p) => p.level)]);
  answers.free_vs_paid = [...levels].sort(comparePaths).map((level) => ({
    level,
    users: [...latest.values()].filter((e) => e.level === level).length,
    plays: plays.filter((p) => p.level === level).length,
    playing_users: new Set(plays.filter((p) => p.level === level && p.userId !== null).map((p) => p.userId)).size,
  }));

  const userPlays = new Map<string, Play[]>();
  for (const p of plays) if (p.userId !== null) userPlays.set(p.userId, [...(userPlays.get(p.userId) ?? []), p]);
  const upgrades: Array<{ userId: string; at: number; times: number }> = [];
  for (const [userId, list] of userPlays) {
    // plays are in event order = (start_time, songplay_id) order
    const ups = list.filter((p, i) => i > 0 && p.level === 'paid' && list[i - 1].level === 'free');
    if (ups.length > 0) upgrades.push({ userId, at: Math.min(...ups.map((p) => p.ts)), times: ups.length });
  }
  upgrades.sort((a, b) => a.at - b.at || comparePaths(a.userId, b.userId));
  answers.upgrades = upgrades.map((u) => ({
    user_id: u.userId,
    first_name: latest.get(u.userId)?.firstName ?? null,
    last_name: latest.get(u.userId)?.lastName ?? null,
    upgraded_at: utcText(u.at),
    upgrades: u.times,
  }));

  const locationPlays = new Map<string, number>();
  const locationUsers = new Map<string, Set<string>>();
  for (const p of plays) {
    if (p.location === null) continue;
    count(locationPlays, p.location);
    const users = locationUsers.get(p.location) ?? new Set<string>();
    if (p.userId !== null) users.add(p.userId);
    locationUsers.set(p.location, users);
  }
  answers.busiest_locations = [...locationPlays]
    .map(([key, n]) => ({ key, plays: n }))
    .sort(byPlaysThen)
    .slice(0, 10)
    .map(({ key, plays: n }) => ({ location: key, plays: n, users: locationUsers.get(key)!.size }));

  const sessions = new Map<string, { plays: number; first: number; last: number }>();
  for (const p of plays) {
    const key = `${p.sessionId}\u0000${p.userId ?? '\u0001null'}`;
    const s = sessions.get(key) ?? { plays: 0, first: p.ts, last: p.ts };
    s.plays++;
    s.first = Math.min(s.first, p.ts);
    s.last = Math.max(s.last, p.ts);
    sessions.set(key, s);
  }
  const playBuckets: Array<[string, number]> = [['1', 1], ['2-5', 5], ['6-10', 10], ['11-20', 20], ['21-50', 50], ['51 or more', Infinity]];
  const lengthBuckets: Array<[string, number]> = [
    ['under 10 min', 600], ['10-30 min', 1800], ['30-60 min', 3600], ['1-2 h', 7200], ['2-4 h', 14400], ['4 h or more', Infinity],
  ];
  const bucketCounts = (buckets: Array<[string, number]>, value: (s: { plays: number; first: number; last: number }) => number, inclusive: boolean) => {
    const counts = new Map<string, number>();
    for (const s of sessions.values()) {
      const v = value(s);
      count(counts, buckets.find(([, bound]) => (inclusive ? v <= bound : v < bound))![0]);
    }
    return buckets.filter(([label]) => counts.has(label)).map(([label]) => [label, counts.get(label)!] as const);
  };
  answers.plays_per_session = bucketCounts(playBuckets, (s) => s.plays, true).map(([label, n]) => ({ songs_played: label, sessions: n }));
  answers.session_length = bucketCounts(lengthBuckets, (s) => (s.last - s.first) / 1000, false).map(([label, n]) => ({ session_length: label, sessions: n }));
  const all = [...sessions.values()];
  const n = BigInt(all.length);
  answers.session_summary = [{
    sessions: all.length,
    average_songs: round2(all.reduce((sum, s) => sum + BigInt(s.plays), 0n), n),
    average_minutes: round2(all.reduce((sum, s) => sum + BigInt(s.last - s.first), 0n), 60000n * n),
    most_songs: Math.max(...all.map((s) => s.plays)),
  }];

  const agents = new Map<string, { browser: string; os: string; plays: number; users: Set<string> }>();
  for (const p of plays) {
    const browser = browserOf(p.userAgent);
    const os = osOf(p.userAgent);
    const key = `${browser}\u0000${os}`;
    const a = agents.get(key) ?? { browser, os, plays: 0, users: new Set<string>() };
    a.plays++;
    if (p.userId !== null) a.users.add(p.userId);
    agents.set(key, a);
  }
  answers.user_agents = [...agents.values()]
    .sort((a, b) => b.plays - a.plays || comparePaths(a.browser, b.browser) || comparePaths(a.os, b.os))
    .map((a) => ({ browser: a.browser, os: a.os, plays: a.plays, users: a.users.size }));

  const inCatalog = plays.filter((p) => p.songId !== null).length;
  answers.catalog_share = [{
    plays: plays.length,
    plays_in_catalog: inCatalog,
    percent_in_catalog: plays.length === 0 ? null : round2(100n * BigInt(inCatalog), BigInt(plays.length)),
  }];
  return answers;
}
