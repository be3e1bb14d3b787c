import * as path from 'node:path';
import { EVENT_KEYS, generateDataset, GenerateStats } from '../../src/generator';
import { listFiles, makeTempDir, readText, removeDir } from './helpers';

const DAY_MS = 86400000;

describe('generator layout', () => {
  let out: string;
  let stats: GenerateStats;
  // A period that crosses a month end and a leap day, to exercise the YYYY/MM folders.
  const startMs = Date.UTC(2020, 1, 27);
  const days = 4;

  beforeAll(async () => {
    out = makeTempDir('layout');
    stats = await generateDataset({ out, songs: 600, events: 5000, days, seed: 5, startDate: '2020-02-27' });
  }, 60_000);
  afterAll(() => removeDir(out));

  test('song files sit at song_data/<3rd>/<4th>/<5th>/<track id>.json', () => {
    const songs = listFiles(out, 'song_data');
    expect(songs).toHaveLength(600);
    for (const file of songs) {
      const match = /^song_data\/([A-Z])\/([A-Z])\/([A-Z])\/(TR[A-Z0-9]{16})\.json$/.exec(file);
      expect(match).not.toBeNull();
      const [, c3, c4, c5, trackId] = match as RegExpExecArray;
      expect([c3, c4, c5]).toEqual([trackId[2], trackId[3], trackId[4]]);
    }
  });

  test('event files are per UTC day, hold only that day, sorted by ts, within the period', () => {
    const logs = listFiles(out, 'log_data');
    expect(logs).toEqual([
      'log_data/2020/02/2020-02-27-events.json',
      'log_data/2020/02/2020-02-28-events.json',
      'log_data/2020/02/2020-02-29-events.json',
      'log_data/2020/03/2020-03-01-events.json',
    ]);
    let total = 0;
    for (const file of logs) {
      const date = path.basename(file).slice(0, 10);
      const lines = readText(out, file).split('\n');
      expect(lines.pop()).toBe('');
      let previous = -Infinity;
      for (const line of lines) {
        const ts = JSON.parse(line).ts as number;
        expect(new Date(ts).toISOString().slice(0, 10)).toBe(date);
        expect(ts).toBeGreaterThanOrEqual(previous);
        expect(ts).toBeGreaterThanOrEqual(startMs);
        expect(ts).toBeLessThan(startMs + days * DAY_MS);
        previous = ts;
      }
      total += lines.length;
    }
    expect(total).toBe(5000);
  }, 60_000);

  test('log_json_path.json lists every event field in column order', () => {
    const jsonPaths = JSON.parse(readText(out, 'log_json_path.json'));
    expect(jsonPaths).toEqual({ jsonpaths: EVENT_KEYS.map((field) => `$['${field}']`) });
    expect(jsonPaths.jsonpaths[0]).toBe("$['artist']");
    expect(jsonPaths.jsonpaths[17]).toBe("$['userId']");
  });

  test('stats count what is on disk', () => {
    const files = listFiles(out);
    expect(stats.files).toBe(files.length);
    expect(stats.songFiles).toBe(600);
    expect(stats.songs).toBe(600);
    expect(stats.eventFiles).toBe(4);
    expect(stats.events).toBe(5000);
    expect(stats.corruptions).toBe(0);
    const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(readText(out, file)), 0);
    expect(stats.bytes).toBe(bytes);
    expect(files).not.toContain('corruptions.json');
  });

  test('itemInSession counts 0, 1, 2 ... within every session, in ts order', () => {
    const next = new Map<number, number>();
    for (const file of listFiles(out, 'log_data')) {
      for (const line of readText(out, file).trim().split('\n')) {
        const event = JSON.parse(line);
        expect(event.itemInSession).toBe(next.get(event.sessionId) ?? 0);
        next.set(event.sessionId, event.itemInSession + 1);
      }
    }
    expect(next.size).toBeGreaterThan(50);
  });
});
