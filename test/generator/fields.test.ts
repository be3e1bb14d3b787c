import { EVENT_KEYS, generateDataset, SONG_KEYS } from '../../src/generator';
import { listFiles, makeTempDir, readText, removeDir } from './helpers';

type Json = Record<string, unknown>;

describe('generator field types, order and realism', () => {
  let out: string;
  let songTexts: string[];
  let eventLines: string[];
  let songs: Json[];
  let events: Json[];

  beforeAll(async () => {
    out = makeTempDir('fields');
    await generateDataset({ out, songs: 800, events: 8000, days: 7, seed: 11, matchRate: 0.4 });
    songTexts = listFiles(out, 'song_data').map((file) => readText(out, file));
    eventLines = listFiles(out, 'log_data').flatMap((file) => readText(out, file).trim().split('\n'));
    songs = songTexts.map((text) => JSON.parse(text));
    events = eventLines.map((line) => JSON.parse(line));
  }, 60_000);
  afterAll(() => removeDir(out));

  test('song files: Python json.dumps text, fields in order, exact types', () => {
    const bad: string[] = [];
    for (const text of songTexts) {
      // ensure_ascii (non-ASCII only as \u escapes); floats carry a fraction, durations <= 5 decimals.
      if (!text.startsWith('{"num_songs": 1, "artist_id": "AR') || /[^\x20-\x7e]/.test(text) ||
          !/"duration": \d+\.\d{1,5}, "year": \d+\}$/.test(text)) bad.push(text);
    }
    const nullableNumber = (v: unknown) => v === null || typeof v === 'number';
    for (const song of songs) {
      const ok =
        JSON.stringify(Object.keys(song)) === JSON.stringify(SONG_KEYS) &&
        song.num_songs === 1 &&
        /^AR[A-Z0-9]{16}$/.test(song.artist_id as string) &&
        /^SO[A-Z0-9]{16}$/.test(song.song_id as string) &&
        nullableNumber(song.artist_latitude) && nullableNumber(song.artist_longitude) &&
        (song.artist_location === null || typeof song.artist_location === 'string') &&
        typeof song.artist_name === 'string' && typeof song.title === 'string' &&
        typeof song.duration === 'number' && Number.isInteger(song.year);
      if (!ok) bad.push(JSON.stringify(song));
    }
    expect(bad).toEqual([]);
  });

  test('song catalogue shape: artists with several songs, missing places, conflicts, unknown years', () => {
    const byArtist = new Map<string, Json[]>();
    for (const song of songs) byArtist.set(song.artist_id as string, [...(byArtist.get(song.artist_id as string) ?? []), song]);
    const sizes = [...byArtist.values()].map((list) => list.length);
    expect(Math.max(...sizes)).toBeGreaterThanOrEqual(5);
    expect(sizes.filter((n) => n >= 2).length).toBeGreaterThan(byArtist.size / 2);
    const conflicting = [...byArtist.values()].filter(
      (list) => new Set(list.map((s) => `${s.artist_name}|${s.artist_location}`)).size > 1,
    );
    expect(conflicting.length).toBeGreaterThan(0);
    expect(songs.some((s) => s.artist_latitude === null)).toBe(true);
    expect(songs.some((s) => s.artist_location === '')).toBe(true);
    expect(songs.some((s) => s.year === 0)).toBe(true);
    expect(songs.some((s) => /[\u0080-\uffff]/.test(`${s.title}${s.artist_name}${s.artist_location}`))).toBe(true);
  });

  test('event lines: Java writer text, fields in order, exact types', () => {
    const bad: string[] = [];
    for (const line of eventLines) {
      // Slashes are always escaped, as in the real logs; registration is a float with ".0".
      if (!line.startsWith('{"artist":') || /(^|[^\\])\//.test(line) ||
          !/"registration":(null|\d+\.0),/.test(line) || !/"ts":\d{13},/.test(line)) bad.push(line);
    }
    const isString = (v: unknown) => typeof v === 'string';
    const nullableString = (v: unknown) => v === null || typeof v === 'string';
    const nullableNumber = (v: unknown) => v === null || typeof v === 'number';
    for (const event of events) {
      const ok =
        JSON.stringify(Object.keys(event)) === JSON.stringify(EVENT_KEYS) &&
        ['auth', 'level', 'method', 'page', 'userId'].every((key) => isString(event[key])) &&
        ['itemInSession', 'sessionId', 'status', 'ts'].every((key) => Number.isInteger(event[key])) &&
        ['artist', 'firstName', 'gender', 'lastName', 'location', 'song', 'userAgent'].every((key) => nullableString(event[key])) &&
        ['length', 'registration'].every((key) => nullableNumber(event[key]));
      if (!ok) bad.push(JSON.stringify(event));
    }
    expect(bad).toEqual([]);
  });

  test('pages carry the right method and status; logged-out events have no user', () => {
    const specs: Record<string, string> = {};
    const bad: string[] = [];
    for (const event of events) {
      const spec = `${event.method} ${event.status}`;
      specs[event.page as string] ??= spec;
      let ok = specs[event.page as string] === spec;
      if (event.auth === 'Logged Out') {
        ok &&= event.userId === '' &&
          [event.firstName, event.lastName, event.gender, event.registration, event.userAgent].every((v) => v === null) &&
          ['Home', 'Login', 'About', 'Help', 'Error'].includes(event.page as string);
      } else {
        ok &&= event.auth === 'Logged In' && /^\d+$/.test(event.userId as string);
      }
      if (event.page === 'NextSong') {
        ok &&= typeof event.artist === 'string' && typeof event.song === 'string' && typeof event.length === 'number';
      } else {
        ok &&= event.artist === null && event.song === null && event.length === null;
      }
      if (!ok) bad.push(JSON.stringify(event));
    }
    expect(bad).toEqual([]);
    expect(specs).toMatchObject({
      NextSong: 'PUT 200', Home: 'GET 200', Login: 'PUT 307', Logout: 'PUT 307', Error: 'GET 404',
      'Submit Upgrade': 'PUT 307', 'Submit Downgrade': 'PUT 307', 'Roll Advert': 'GET 200',
    });
    const loggedOut = events.filter((e) => e.auth === 'Logged Out');
    expect(loggedOut.some((e) => e.page === 'Login')).toBe(true);
    expect(loggedOut.some((e) => e.page === 'Home')).toBe(true);
  });

  test('NextSong is about 85% of events and the match rate is honoured', () => {
    const plays = events.filter((e) => e.page === 'NextSong');
    expect(plays.length / events.length).toBeGreaterThan(0.8);
    expect(plays.length / events.length).toBeLessThan(0.9);
    const catalogue = new Set(songs.map((s) => `${s.title}\u0000${s.artist_name}\u0000${s.duration}`));
    const matched = plays.filter((e) => catalogue.has(`${e.song}\u0000${e.artist}\u0000${e.length}`));
    expect(matched.length / plays.length).toBeGreaterThan(0.36);
    expect(matched.length / plays.length).toBeLessThan(0.44);
    // Zipf-like popularity: the most played song is played far more than the median one.
    const counts = new Map<string, number>();
    for (const e of matched) counts.set(e.song as string, (counts.get(e.song as string) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    expect(sorted[0]).toBeGreaterThan(5 * sorted[Math.floor(sorted.length / 2)]);
  });

  test('users change level free -> paid and back, names are not all ASCII', () => {
    const levels = new Map<string, string[]>();
    for (const e of events) {
      if (e.userId === '') continue;
      const list = levels.get(e.userId as string) ?? [];
      if (list[list.length - 1] !== e.level) list.push(e.level as string);
      levels.set(e.userId as string, list);
    }
    const changes = [...levels.values()].map((list) => list.join('>'));
    expect(changes.some((c) => c.includes('free>paid'))).toBe(true);
    expect(changes.some((c) => c.includes('paid>free'))).toBe(true);
    expect(events.some((e) => /[\u0080-\uffff]/.test(`${e.firstName}${e.lastName}`))).toBe(true);
    expect(events.some((e) => /[\u0080-\uffff]/.test(`${e.song}${e.artist}`))).toBe(true);
  });
});
