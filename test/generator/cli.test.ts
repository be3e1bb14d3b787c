import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseGenerateArgs, run } from '../../src/cli/commands/generate';
import { generateDataset } from '../../src/generator';
import { makeTempDir, removeDir, treeDigest } from './helpers';

describe('generate command', () => {
  test('parses every option', () => {
    expect(
      parseGenerateArgs([
        '--out', '/tmp/x', '--songs', '10', '--events', '20', '--days', '3', '--seed', '9',
        '--start-date', '2019-01-31', '--match-rate', '0.5', '--corrupt', '0.1',
      ]),
    ).toEqual({ out: '/tmp/x', songs: 10, events: 20, days: 3, seed: 9, startDate: '2019-01-31', matchRate: 0.5, corrupt: 0.1 });
  });

  test('names the bad argument', () => {
    expect(parseGenerateArgs(['--songs', '10'])).toBe('option --out DIR is required');
    expect(parseGenerateArgs(['--out', 'x', '--songs'])).toBe('option --songs needs a value');
    expect(parseGenerateArgs(['--out', 'x', '--songs', 'many'])).toBe("option --songs: 'many' is not a number");
    expect(parseGenerateArgs(['--out', 'x', '--colour', 'red'])).toBe("unknown option '--colour'");
  });

  test('rejects invalid values with exit code 2 and writes nothing', async () => {
    const out = makeTempDir('cli-bad');
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
    try {
      expect(await run(['--out', out, '--match-rate', '1.5'])).toBe(2);
      expect(await run(['--out', out, '--start-date', '2018-02-30'])).toBe(2);
      expect(await run(['--out', out, '--songs', '0'])).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([
      'generate: option matchRate: expected a number from 0 to 1, got 1.5',
      'generate: option startDate: expected a calendar date YYYY-MM-DD, got "2018-02-30"',
      'generate: option songs: expected an integer from 1 to 50000000, got 0',
    ]);
    expect(fs.readdirSync(out)).toEqual([]);
    removeDir(out);
  });

  test('writes the same dataset as the API and prints its stats', async () => {
    const viaCli = makeTempDir('cli');
    const viaApi = makeTempDir('api');
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      expect(await run(['--out', viaCli, '--songs', '30', '--events', '200', '--days', '2', '--seed', '3'])).toBe(0);
    } finally {
      spy.mockRestore();
    }
    await generateDataset({ out: viaApi, songs: 30, events: 200, days: 2, seed: 3 });
    expect(treeDigest(viaCli)).toEqual(treeDigest(viaApi));
    expect(JSON.parse(printed[0])).toMatchObject({ outDir: path.resolve(viaCli), songs: 30, events: 200, files: 30 + 2 + 1 });
    removeDir(viaCli);
    removeDir(viaApi);
  });
});
