import { generateDataset, GenerateStats } from '../../src/generator';
import { checkEventLine, checkSongFile, eventRows } from '../reference/rules';
import { listFiles, makeTempDir, readText, removeDir } from './helpers';

interface Entry {
  file: string;
  line: number;
  kind: string;
}

describe('generator --corrupt and corruptions.json', () => {
  const options = { songs: 400, events: 4000, days: 4, seed: 21 };
  let corruptDir: string;
  let cleanDir: string;
  let stats: GenerateStats;
  let manifest: Entry[];
  let listed: Map<string, string>;

  beforeAll(async () => {
    corruptDir = makeTempDir('corrupt');
    cleanDir = makeTempDir('clean');
    stats = await generateDataset({ ...options, out: corruptDir, corrupt: 0.05 });
    await generateDataset({ ...options, out: cleanDir });
    manifest = JSON.parse(readText(corruptDir, 'corruptions.json'));
    listed = new Map(manifest.map((entry) => [`${entry.file}:${entry.line}`, entry.kind]));
  }, 60_000);
  afterAll(() => {
    removeDir(corruptDir);
    removeDir(cleanDir);
  });

  test('the manifest has one entry per bad row and every kind', () => {
    expect(listed.size).toBe(manifest.length);
    expect(stats.corruptions).toBe(manifest.length);
    // About 5% of 4,400 rows, plus the two lines of the not-JSON event file.
    expect(manifest.length).toBeGreaterThan(150);
    expect(manifest.length).toBeLessThan(300);
    const kinds = (prefix: string) => new Set(manifest.filter((e) => e.file.startsWith(prefix)).map((e) => e.kind));
    expect([...kinds('song_data/')].sort()).toEqual(['empty-file', 'invalid-json', 'missing-field', 'not-object', 'wrong-type']);
    expect([...kinds('log_data/')].sort()).toEqual(['invalid-json', 'missing-field', 'not-object', 'wrong-type']);
    for (const entry of manifest) if (entry.file.startsWith('song_data/')) expect(entry.line).toBe(1);
  });

  test('every listed row is bad in the stated way and every other row is valid', () => {
    const mismatches: string[] = [];
    let visited = 0;
    for (const file of listFiles(corruptDir, 'song_data')) {
      const verdict = checkSongFile(readText(corruptDir, file));
      const expected = listed.get(`${file}:1`);
      if (expected) visited++;
      const actual = verdict.ok ? undefined : verdict.kind;
      if (actual !== expected) mismatches.push(`${file}: listed ${expected}, is ${actual}`);
    }
    let rows = 0;
    for (const file of listFiles(corruptDir, 'log_data')) {
      for (const { line, text } of eventRows(readText(corruptDir, file))) {
        rows++;
        const verdict = checkEventLine(text);
        const expected = listed.get(`${file}:${line}`);
        if (expected) visited++;
        const actual = verdict.ok ? undefined : verdict.kind;
        if (actual !== expected) mismatches.push(`${file}:${line}: listed ${expected}, is ${actual}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(visited).toBe(manifest.length);
    expect(rows).toBe(stats.events);
    expect(rows).toBe(options.events + 2);
  });

  test('corruption changes no other row', () => {
    for (const file of listFiles(cleanDir, 'song_data')) {
      if (!listed.has(`${file}:1`)) expect(readText(corruptDir, file)).toBe(readText(cleanDir, file));
    }
    const cleanLogs = listFiles(cleanDir, 'log_data');
    let compared = 0;
    let changed = 0;
    for (const file of cleanLogs) {
      const before = eventRows(readText(cleanDir, file));
      const after = eventRows(readText(corruptDir, file));
      expect(after).toHaveLength(before.length);
      after.forEach((row, i) => {
        if (listed.has(`${file}:${row.line}`)) {
          changed++;
          expect(row.text).not.toBe(before[i].text);
        } else {
          compared++;
          expect(row.text).toBe(before[i].text);
        }
      });
    }
    expect(compared + changed).toBe(options.events);
    // Corrupt mode also adds a blank line to each day file (not a row, but it shifts line numbers)
    // and two extra files: one not JSON at all, one empty.
    expect(readText(corruptDir, cleanLogs[0]).split('\n')[5]).toBe('');
    expect(listFiles(corruptDir, 'log_data').filter((f) => !cleanLogs.includes(f))).toEqual([
      'log_data/2018/11/2018-11-01-empty.json',
      'log_data/2018/11/2018-11-01-notes.json',
    ]);
    expect(readText(corruptDir, 'log_data/2018/11/2018-11-01-empty.json')).toBe('');
  });
});
