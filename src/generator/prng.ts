/**
 * Seeded pseudo-randomness for the generator. Everything it writes is a pure function of the seed
 * and an entity's index, so the same options give byte-identical output and any song can be
 * re-derived on demand instead of being held in memory.
 */

/** Final mix of MurmurHash3: a bijection on 32-bit integers with good avalanche. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hash of a sequence of 32-bit integers. Each step XORs the next part into the state and mixes
 * with a bijection, so for fixed earlier parts the result is injective in the last part.
 */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = mix32((h ^ (part >>> 0)) + 0x6d2b79f5);
  }
  return h;
}

/** Streams: one tag per kind of entity, so derivations never share random numbers. */
export const Stream = {
  artist: 1,
  song: 2,
  songArtist: 3,
  user: 4,
  session: 5,
  scheduler: 6,
  phantom: 7,
  corruptSong: 8,
  corruptEvent: 9,
  popularity: 10,
  level: 11,
} as const;

/** sfc32: small, fast, 128-bit state; seeded from four independent hashes of the key. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...key: number[]) {
    this.a = hash32(...key, 0xa1);
    this.b = hash32(...key, 0xb2);
    this.c = hash32(...key, 0xc3);
    this.d = hash32(...key, 0xd4) | 1;
    // Discard the first outputs: sfc32 needs a few rounds to spread a fresh seed.
    for (let i = 0; i < 8; i++) this.next();
  }

  /** Next unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Exponentially distributed with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.float()) * mean;
  }
}

/** Uniform [0, 1) from a hash, for one-off decisions that need no generator state. */
export function unitFromHash(...parts: number[]): number {
  return hash32(...parts) / 4294967296;
}
