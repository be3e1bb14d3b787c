/**
 * `npm run fixtures`: regenerates test/fixtures/<name>/ with the generator and writes each
 * fixture's expected.json with the reference computation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateDataset } from '../../src/generator';
import { computeExpected, expectedText } from './compute';
import { FIXTURE_SPECS, FIXTURES_ROOT } from './fixture-specs';

async function main(): Promise<void> {
  for (const [name, spec] of Object.entries(FIXTURE_SPECS)) {
    const out = path.join(FIXTURES_ROOT, name);
    const stats = await generateDataset({ ...spec, out });
    const expected = computeExpected(out);
    fs.writeFileSync(path.join(out, 'expected.json'), expectedText(expected));
    console.log(
      `${name}: ${stats.files} files, ${stats.bytes} bytes, ${stats.events} event rows, ${stats.songs} songs, ` +
        `${expected.tables.songplays} songplays (${expected.songplaysWithSong} with a song), ` +
        `${expected.tables.load_errors} rejected`,
    );
  }
}

main().catch((err) => {
  console.error(`fixtures: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
