/** The committed fixtures and the exact generator options that produce them. */
import * as path from 'node:path';
import type { GenerateOptions } from '../../src/generator';

export const FIXTURES_ROOT = path.resolve(__dirname, '..', 'fixtures');

export const FIXTURE_SPECS: Record<string, Omit<GenerateOptions, 'out'>> = {
  // About 1,250 NextSong events, a few hundred of which match a song; the seed is one whose catalogue
  // has duplicate song_ids and conflicting artists, so those rules are exercised. Event counts are below the
  // brief's 3,000 to keep both fixtures together well under 2 MB (an event line is ~470 bytes).
  'sparkify-small': { songs: 300, events: 1500, days: 6, seed: 20181108, startDate: '2018-11-01', matchRate: 0.25 },
  // Same scale with about 3% bad rows, every corruption kind present.
  'sparkify-corrupt': {
    songs: 300, events: 1000, days: 5, seed: 20181102, startDate: '2018-11-01', matchRate: 0.3, corrupt: 0.03,
  },
};
