/**
 * Million-Song-Dataset-style identifiers: a two-letter prefix and 16 upper-case alphanumerics
 * (e.g. TRAAAAW128F429D538). Uniqueness is guaranteed, not just likely: seven of the characters
 * encode a bijective scramble of the entity's index.
 */
import { mix32, Rng } from './prng';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALPHANUMERICS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Base-36 of a 32-bit value, upper case, left-padded to 7 characters (36^7 > 2^32). */
function base36Fixed7(value: number): string {
  return value.toString(36).toUpperCase().padStart(7, '0');
}

/**
 * `prefix` + 5 letters + 7 characters unique to `index` + 4 alphanumerics. The leading letters
 * matter: the song file path uses the 3rd-5th characters of the track id as directory names.
 */
export function makeId(prefix: string, seedHash: number, index: number, rng: Rng): string {
  let id = prefix;
  for (let i = 0; i < 5; i++) id += LETTERS[rng.int(26)];
  // mix32 is a bijection, and XOR with a constant is one too, so distinct indexes never collide.
  id += base36Fixed7(mix32((index ^ seedHash) >>> 0));
  for (let i = 0; i < 4; i++) id += ALPHANUMERICS[rng.int(36)];
  return id;
}

/** `song_data/<c3>/<c4>/<c5>/<track_id>.json`, the layout of the real song files. */
export function songFilePath(trackId: string): string {
  return `song_data/${trackId[2]}/${trackId[3]}/${trackId[4]}/${trackId}.json`;
}
