import * as fs from 'node:fs';
import * as path from 'node:path';
import { sparkifyInProcess } from '../helpers/cli';
import { generateDataset } from '../../src/generator';
import { makeTempDir, removeDir, treeDigest } from './helpers';

const generate = (...argv: string[]) => sparkifyInProcess('generate', ...argv);

describe('generate command', () => {
  test("rejects the generator's invalid values naming the flag, with exit code 2, and writes nothing", async () => {
    const out = makeTempDir('cli-bad');
    const hint = '\n(add --help for usage and examples)';
    expect(await generate('--out', out, '--match-rate', '1.5')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: option '--match-rate <share>': expected a number from 0 to 1, got 1.5" + hint,
    });
    expect(await generate('--out', out, '--start-date', '2018-02-30')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: option \'--start-date <yyyy-mm-dd>\': expected a calendar date YYYY-MM-DD, got "2018-02-30"' + hint,
    });
    expect(await generate('--out', out, '--songs', '0')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: option '--songs <n>': expected an integer from 1 to 50000000, got 0" + hint,
    });
    expect(await generate(`--out=${out}`, '--corrupt=-0.5')).toEqual({
      code: 2,
      stdout: '',
      stderr: "error: option '--corrupt <share>': expected a number from 0 to 1, got -0.5" + hint,
    });
    expect(fs.readdirSync(out)).toEqual([]);
    removeDir(out);
  });

  test('writes the same dataset as the API and prints its stats', async () => {
    const viaCli = makeTempDir('cli');
    const viaApi = makeTempDir('api');
    // --flag=value and --flag value both work.
    const printed = await generate(`--out=${viaCli}`, '--songs', '30', '--events=200', '--days', '2', '--seed=3');
    expect(printed).toMatchObject({ code: 0, stderr: '' });
    await generateDataset({ out: viaApi, songs: 30, events: 200, days: 2, seed: 3 });
    expect(treeDigest(viaCli)).toEqual(treeDigest(viaApi));
    expect(JSON.parse(printed.stdout)).toMatchObject({ outDir: path.resolve(viaCli), songs: 30, events: 200, files: 30 + 2 + 1 });
    removeDir(viaCli);
    removeDir(viaApi);
  });
});
