import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDataset } from '../../src/generator';
import { computeExpected } from '../reference/compute';
import { FIXTURE_SPECS, FIXTURES_ROOT } from '../reference/fixture-specs';
import { listFiles, makeTempDir, readText, removeDir, treeDigest } from './helpers';

describe.each(Object.entries(FIXTURE_SPECS))('committed fixture %s', (name, spec) => {
  const committed = path.join(FIXTURES_ROOT, name);
  let fresh: string;

  beforeAll(async () => {
    fresh = makeTempDir(`fixture-${name}`);
    await generateDataset({ ...spec, out: fresh });
  });
  afterAll(() => removeDir(fresh));

  test('equals a fresh generation with the same options', () => {
    expect(treeDigest(committed, ['expected.json'])).toEqual(treeDigest(fresh));
  });

  test('expected.json is what the reference computes from the committed files', () => {
    const expected = JSON.parse(readText(committed, 'expected.json'));
    expect(computeExpected(committed)).toEqual(expected);
  });

  test('is small and has a few hundred matching songplays', () => {
    const bytes = listFiles(committed).reduce((sum, file) => sum + fs.statSync(path.join(committed, file)).size, 0);
    expect(bytes).toBeLessThan(2_000_000);
    const expected = JSON.parse(readText(committed, 'expected.json'));
    expect(expected.songplaysWithSong).toBeGreaterThanOrEqual(200);
    expect(expected.songplaysWithSong).toBeLessThan(1000);
    if (spec.corrupt) {
      expect(Object.keys(expected.rejectedByKind).sort()).toEqual(
        ['empty-file', 'invalid-json', 'missing-field', 'not-object', 'wrong-type'],
      );
      const manifest = JSON.parse(readText(committed, 'corruptions.json'));
      expect(expected.tables.load_errors).toBe(manifest.length);
    } else {
      expect(expected.tables.load_errors).toBe(0);
    }
  });
});
