/** The committed fixtures and the exact generator options that produce them. */
import * as path from 'node:path';
import type { GenerateOptions } from '../../src/generator';

export const FIXTURES_ROOT = path.resolve(__dirname, '..', 'fixtures');

export const FIXTURE_SPECS: Record<string, Omit<GenerateOptions, 'out'>> = {
  // The scale: about 300 songs and 3,000 events (~1.5 MB each); a few hundred plays match a song.
  // The seed is one whose catalogue has duplicate song_ids and conflicting artists, so those rules are exercised.
  'sparkify-small': { songs: 300, events: 3000, days: 6, seed: 20181108, startDate: '2018-11-01', matchRate: 0.25 },
  // Same scale with about 3% bad rows, every corruption kind present.
  'sparkify-corrupt': {
    songs: 300, events: 3000, days: 5, seed: 20181102, startDate: '2018-11-01', matchRate: 0.3, corrupt: 0.03,
  },
};
