import { generateDataset } from '../../src/generator';
import { makeTempDir, removeDir, treeDigest } from './helpers';

// Each test generates a dataset two or more times.
jest.setTimeout(45_000);

describe('generator determinism', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(removeDir));

  const generate = async (seed: number) => {
    const out = makeTempDir('det');
    dirs.push(out);
    await generateDataset({ out, songs: 400, events: 4000, days: 4, seed, corrupt: 0.04 });
    return treeDigest(out);
  };

  test('two runs with the same options write byte-identical trees', async () => {
    const first = await generate(99);
    const second = await generate(99);
    expect(Object.keys(first).length).toBeGreaterThan(400);
    expect(second).toEqual(first);
  });

  test('another seed writes different data', async () => {
    const first = await generate(99);
    const other = await generate(100);
    const shared = Object.keys(first).filter((file) => other[file] === first[file]);
    // Only the JSONPaths file and the two fixed broken files of --corrupt do not depend on the seed.
    expect(shared).toEqual([
      'log_data/2018/11/2018-11-01-empty.json',
      'log_data/2018/11/2018-11-01-notes.json',
      'log_json_path.json',
    ]);
  });

  test('re-generating into a used directory replaces the earlier output', async () => {
    const out = makeTempDir('reuse');
    dirs.push(out);
    await generateDataset({ out, songs: 50, events: 300, days: 2, seed: 1, corrupt: 0.1 });
    await generateDataset({ out, songs: 40, events: 200, days: 2, seed: 2 });
    const fresh = makeTempDir('fresh');
    dirs.push(fresh);
    await generateDataset({ out: fresh, songs: 40, events: 200, days: 2, seed: 2 });
    expect(treeDigest(out)).toEqual(treeDigest(fresh));
  });
});
