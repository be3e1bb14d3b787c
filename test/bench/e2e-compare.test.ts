import { countMismatches, E2E_DEFAULT_SCALES, parseE2eArgs, ratioTo, spread, transformsTime } from '../../bench/lib/e2e-compare';
import { descendants, procKb } from '../../bench/lib/process-memory';

describe('end-to-end bench arguments', () => {
  it('defaults to 200k and 1M events, 3 repeats, 2 DuckDB threads', () => {
    expect(parseE2eArgs(['--e2e'], '/tmp/out.json')).toEqual({ scales: [200_000, 1_000_000], repeats: 3, threads: 2, out: '/tmp/out.json' });
    expect(E2E_DEFAULT_SCALES).toEqual([200_000, 1_000_000]);
  });

  it('--quick runs only 200k; --scales, --repeats, --threads and --out are read', () => {
    expect(parseE2eArgs(['--quick'], 'o').scales).toEqual([200_000]);
    expect(parseE2eArgs(['--scales', '10000, 50000', '--repeats', '5', '--threads', '1', '--out', 'x.json'], 'o')).toEqual({
      scales: [10_000, 50_000],
      repeats: 5,
      threads: 1,
      out: 'x.json',
    });
  });

  it('names the flag and the bad value', () => {
    expect(() => parseE2eArgs(['--repeats', '0'], 'o')).toThrow(/^--repeats expects a positive integer, got 0/);
    expect(() => parseE2eArgs(['--scales', '200000,1e3.5'], 'o')).toThrow(/^--scales expects a positive integer, got 1e3.5/);
    expect(() => parseE2eArgs(['--threads'], 'o')).toThrow(/^--threads expects a positive integer, got nothing/);
    expect(() => parseE2eArgs(['--out'], 'o')).toThrow(/^--out expects a file/);
    expect(() => parseE2eArgs(['--fast'], 'o')).toThrow(/^unknown option --fast/);
  });
});

describe('end-to-end bench comparisons', () => {
  it('lists the tables whose counts differ or that one side lacks', () => {
    const ours = { songplays: 8349, users: 112, time: 8342 };
    const duckdb = { songplays: 8349, users: 111, songs: 998 };
    expect(countMismatches(ours, duckdb, ['songplays', 'users', 'songs', 'time'])).toEqual([
      { table: 'users', ours: 112, duckdb: 111 },
      { table: 'songs', ours: null, duckdb: 998 },
      { table: 'time', ours: 8342, duckdb: null },
    ]);
    expect(countMismatches(ours, { ...ours }, ['songplays', 'users', 'time'])).toEqual([]);
  });

  it('the transforms take the stage that holds them side by side, or dimensions then fact in a run from before it', () => {
    expect(transformsTime({ staging: 9, transforms: 8.5, dimensions: 6, fact: 8.25 })).toBe(8.5);
    expect(transformsTime({ staging: 9, dimensions: 4.5, fact: 7 })).toBe(11.5);
    expect(transformsTime({ merge: 3 })).toBe(0);
  });

  it('ratio is ours over the peer, and refuses a zero peer time', () => {
    expect(ratioTo(45, 50)).toBe(0.9);
    expect(ratioTo(30, 12)).toBe(2.5);
    expect(() => ratioTo(1, 0)).toThrow(/peer's time must be positive, got 0/);
  });

  it('spread gives the median (mean of the middle two for even counts), min and max', () => {
    expect(spread([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(spread([4, 1, 10, 2])).toEqual({ median: 3, min: 1, max: 10 });
    expect(() => spread([])).toThrow('no samples');
  });
});

describe('process tree memory parsing', () => {
  it('reads kB values from /proc status text', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1234 kB\nVmHWM:\t  426000 kB\nVmRSS:\t  300000 kB\n';
    expect(procKb(status, 'VmHWM')).toBe(426_000);
    expect(procKb(status, 'VmRSS')).toBe(300_000);
    expect(procKb(status, 'Pss')).toBe(0);
    expect(procKb(undefined, 'VmHWM')).toBe(0);
  });

  it('finds every descendant of a root and nothing else', () => {
    const parents = new Map([[10, 1], [11, 10], [12, 11], [13, 11], [20, 1], [21, 20]]);
    expect(descendants(10, parents).sort((a, b) => a - b)).toEqual([10, 11, 12, 13]);
    expect(descendants(21, parents)).toEqual([21]);
  });
});
