/**
 * The reference computation on a tiny hand-written dataset whose expectations were worked out by
 * hand from docs/data-rules.md (the reasoning is in the comments next to each figure).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeExpected } from '../reference/compute';
import { round5Key } from '../reference/decimal';
import { makeTempDir, removeDir } from './helpers';

const T0 = Date.UTC(2018, 10, 5, 10, 0, 0); // Monday 2018-11-05 10:00 UTC, ISO week 45

function song(fields: Record<string, unknown>): string {
  return JSON.stringify({
    num_songs: 1, artist_id: 'ARX', artist_latitude: null, artist_longitude: null, artist_location: '',
    artist_name: 'Alpha', song_id: 'SOX', title: 'X', duration: 1.5, year: 0, ...fields,
  });
}

function event(fields: Record<string, unknown>): string {
  return JSON.stringify({
    artist: null, auth: 'Logged In', firstName: 'Ann', gender: 'F', itemInSession: 0, lastName: 'Lee',
    length: null, level: 'free', location: 'Town, ST', method: 'GET', page: 'Home', registration: 1540000000000,
    sessionId: 1, song: null, status: 200, ts: T0, userAgent: 'agent', userId: '10', ...fields,
  });
}

function play(fields: Record<string, unknown>): string {
  return event({ method: 'PUT', page: 'NextSong', ...fields });
}

const FILES: Record<string, string> = {
  // Loaded songs (6 rows, 5 song_ids, 3 artists).
  'song_data/A/A/A/TRAAA.json': song({
    artist_id: 'ARX', artist_name: 'Alpha', artist_location: 'Paris', artist_latitude: 1.5, artist_longitude: 2.5,
    song_id: 'SOB', title: 'One', duration: 100.123456, year: 2000,
  }),
  'song_data/A/A/B/TRAAB.json': song({
    artist_id: 'ARX', artist_name: 'Alpha feat. Beta', artist_location: 'Berlin', song_id: 'SOA', title: 'Two',
    duration: 200.5, year: 0,
  }),
  // Same song_id, another year: the songs table keeps the row above (year 0 comes first in song order).
  'song_data/A/B/A/TRABA.json': song({
    artist_id: 'ARX', artist_name: 'Alpha feat. Beta', artist_location: 'Berlin', song_id: 'SOA', title: 'Two',
    duration: 200.5, year: 1999,
  }),
  // Two song_ids with identical title, artist and duration: a play matches the lowest (SOC).
  'song_data/B/A/A/TRBAA.json': song({ artist_id: 'ARY', artist_name: 'Gamma', song_id: 'SOD', title: 'Three', duration: 150, year: 1990 }),
  'song_data/B/A/B/TRBAB.json': song({ artist_id: 'ARY', artist_name: 'Gamma', song_id: 'SOC', title: 'Three', duration: 150, year: 1990 }),
  'song_data/C/A/G/TRCAG.json': song({ artist_id: 'ARW', artist_name: 'Delta', artist_location: null, song_id: 'SOE', title: 'Four', duration: 5, year: 0 }),
  // Rejected songs (6).
  'song_data/C/A/A/TRCAA.json': '',
  'song_data/C/A/B/TRCAB.json': '{"num_songs": 1, "artist_id": "ARZ"',
  'song_data/C/A/C/TRCAC.json': '["not", "an", "object"]',
  'song_data/C/A/D/TRCAD.json': song({ song_id: 'SOF', year: '2001' }),
  'song_data/C/A/E/TRCAE.json': song({ song_id: 'SOG', title: undefined }),
  'song_data/C/A/F/TRCAF.json': song({ song_id: 'SOH', title: null }),
  // Not a .json file: not an input.
  'song_data/C/A/H/readme.txt': 'ignored',

  'log_data/2018/11/2018-11-05-events.json': [
    /* 1 */ play({ artist: 'Alpha', song: 'One', length: 100.12346, ts: T0 }), // matches SOB (100.123456 rounds to 100.12346)
    /* 2 */ '',
    /* 3 */ play({ artist: 'Gamma', song: 'Three', length: 150, ts: T0 + 200000, itemInSession: 1 }), // SOC
    /* 4 */ event({ level: 'paid', ts: T0 + 300000, itemInSession: 2 }),
    /* 5 */ event({ auth: 'Logged Out', firstName: null, gender: null, lastName: null, registration: null, userAgent: null, userId: '', ts: T0 + 310000 }),
    /* 6 */ play({ userId: '11', level: 'paid', sessionId: 2, artist: 'Alpha', song: 'Two', length: 200.50001, ts: T0 + 300000 }), // no match
    /* 7 */ play({ userId: '11', ts: String(T0 + 400000) }), // wrong-type
    /* 8 */ '{"artist":null,"auth":"Logged In"', // invalid-json
    /* 9 */ '42', // not-object
    /* 10 */ event({ page: undefined }), // missing-field
    /* 11 */ '   ', // blank: not a row
    /* 12 */ play({ userId: '11', sessionId: 2, artist: 'Alpha feat. Beta', song: 'Two', length: 200.5, ts: T0 + 3600000 }), // SOA
  ].join('\n') + '\n',
  'log_data/2018/11/2018-11-06-events.json': [
    /* 1 */ play({ userId: '12', sessionId: 3, artist: 'Nobody', song: 'Nope', length: 99, ts: T0 + 86400000 }),
    // Same ts and session as line 4 of the first file, greater itemInSession: user 10's latest event (level free).
    /* 2 */ event({ level: 'free', ts: T0 + 300000, itemInSession: 3 }),
    /* 3 */ play({ userId: '13', level: 'paid', sessionId: 4, artist: 'Gamma', song: 'Four', length: 5, ts: T0 + 86401000 }),
    // A play without a user, at the same instant as line 1: one time row for both. Matches SOE.
    /* 4 */ play({ userId: '', auth: 'Logged Out', sessionId: 5, artist: 'Delta', song: 'Four', length: 5, ts: T0 + 86400000 }),
  ].join('\n'),
  'log_data/2018/11/2018-11-07-events.json': '',
  'log_data/2018/11/notes.txt': 'ignored',
};

describe('reference computation on a hand-written dataset', () => {
  let root: string;

  beforeAll(() => {
    root = makeTempDir('reference');
    for (const [file, content] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      fs.writeFileSync(path.join(root, file), content);
    }
  });
  afterAll(() => removeDir(root));

  test('computes the hand-worked expectations', () => {
    // songplays in event order (ts, sessionId, itemInSession, …): id session user level
    //   1 T0          f1:1  s1 u10 free  SOB
    //   2 T0+200000   f1:3  s1 u10 free  SOC
    //   3 T0+300000   f1:6  s2 u11 paid  -
    //   4 T0+3600000  f1:12 s2 u11 free  SOA
    //   5 T0+86400000 f2:1  s3 u12 free  -
    //   6 T0+86400000 f2:4  s5 --  free  SOE
    //   7 T0+86401000 f2:3  s4 u13 paid  -
    expect(computeExpected(root)).toEqual({
      read: { events: 14, songs: 12 },
      tables: {
        staging_events: 10, staging_songs: 6, songplays: 7, users: 4, songs: 5, artists: 3, time: 6, load_errors: 10,
      },
      rejectedByKind: { 'empty-file': 1, 'invalid-json': 2, 'missing-field': 3, 'not-object': 2, 'wrong-type': 2 },
      songplaysWithSong: 4,
      songplaysByLevel: { free: 5, paid: 2 },
      // Latest events: u10 free (tie on ts broken by itemInSession), u11 free, u12 free, u13 paid.
      usersByLevel: { free: 3, paid: 1 },
      // Monday: 10:00, 10:03:20, 10:05, 11:00; Tuesday: 10:00:00, 10:00:01.
      timeByWeekday: [0, 4, 2, 0, 0, 0, 0],
      checksums: {
        songplaysStartTimeSumMs: 7 * T0 + 263301000, // = 10790147301000
        songplaysIdTimesSessionIdSum: 1 * 1 + 2 * 1 + 3 * 2 + 4 * 2 + 5 * 3 + 6 * 5 + 7 * 4, // = 90
        songplaysUserIdSum: 10 + 10 + 11 + 11 + 12 + 13,
        usersIdSum: 10 + 11 + 12 + 13,
        timeHourSum: 10 + 10 + 10 + 11 + 10 + 10,
        timeIsoWeekSum: 6 * 45,
      },
      // ARX's smallest song_id is SOA (from A/A/B): its name and place win over SOB's.
      conflictingArtists: [{ artist_id: 'ARX', name: 'Alpha feat. Beta', location: 'Berlin', latitude: null, longitude: null }],
      duplicateSongIds: [{ song_id: 'SOA', title: 'Two', artist_id: 'ARX', year: 0, duration: 200.5 }],
    });
    expect(7 * T0 + 263301000).toBe(10790147301000);
  });

  test('rounds to 5 decimals in decimal, half away from zero', () => {
    expect(round5Key(249.44281)).toBe('24944281');
    expect(round5Key(100.123456)).toBe('10012346');
    // 1.234565 is 1.2345649999... in binary; decimal rounding still gives 1.23457.
    expect(round5Key(1.234565)).toBe('123457');
    expect(round5Key(-0.000015)).toBe('-2');
    expect(round5Key(0.000004)).toBe('0');
    expect(round5Key(150)).toBe('15000000');
    expect(round5Key(1e21)).toBe('100000000000000000000000000');
  });
});
