/** The one FNV-1a: published vectors, and the same hash as FNV-1a over Node's own UTF-8 encoding. */
import { fnv1a32 } from '../../src/shared/fnv1a';
import { warehouseIdFor } from '../../src/workflows/input';

/** FNV-1a over Buffer's UTF-8 bytes, written here independently of the code under test. */
function overBufferBytes(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

it('matches the published 32-bit FNV-1a vectors', () => {
  expect(fnv1a32('')).toBe(0x811c9dc5);
  expect(fnv1a32('a')).toBe(0xe40c292c);
  expect(fnv1a32('foobar')).toBe(0xbf9cf968);
});

it.each([
  ['two-byte', 'Beyoncé/Mötley Crüe'],
  ['three-byte', 'song_data/日本/東京.json'],
  ['astral (surrogate pair)', 'log 🎵 data'],
  ['lone high surrogate', 'a\ud800b'],
  ['lone low surrogate', '\udc00'],
  ['U+07FF/U+0800/U+FFFF boundaries', '\u07ff\u0800\uffff'],
])('hashes the UTF-8 bytes of %s text like Buffer encodes them', (_, text) => {
  expect(fnv1a32(text)).toBe(overBufferBytes(text));
});

it('names warehouses with the same hash (UTF-8, not UTF-16 code units)', () => {
  expect(warehouseIdFor('nightly-é')).toBe(`wf_nightly_${overBufferBytes('nightly-é').toString(16).padStart(8, '0')}`);
});
