/**
 * The sample dataset `up` loads when no --source is given: generated once into .sparkify/sample
 * (or under the OS temp directory when the working directory is not writable), then reused.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateDataset } from '../../generator';

/** Small enough to load in seconds, big enough to exercise every table and partition. */
export const SAMPLE_SIZE = { songs: 300, events: 5000, seed: 42 };
const COMPLETE_MARKER = '.sparkify-sample-complete';

function candidateDirs(): string[] {
  return [path.resolve('.sparkify', 'sample'), path.join(os.tmpdir(), 'sparkify-sample')];
}

/** The sample's directory, generating it first when missing. */
export async function ensureSampleDataset(say: (line: string) => void): Promise<string> {
  for (const dir of candidateDirs()) {
    if (fs.existsSync(path.join(dir, COMPLETE_MARKER))) return dir;
  }
  let lastError: unknown;
  for (const dir of candidateDirs()) {
    try {
      // Written beside the target and renamed, so an interrupted run never leaves half a sample.
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      const staging = fs.mkdtempSync(`${dir}.partial-`);
      say(`generating sample data (${SAMPLE_SIZE.songs} songs, ${SAMPLE_SIZE.events} events) into ${dir} …`);
      await generateDataset({ out: staging, ...SAMPLE_SIZE });
      fs.writeFileSync(path.join(staging, COMPLETE_MARKER), `${JSON.stringify(SAMPLE_SIZE)}\n`);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(staging, dir);
      return dir;
    } catch (err) {
      lastError = err;
    }
  }
  throw new Error(`cannot generate the sample dataset: ${lastError instanceof Error ? lastError.message : lastError}`);
}
