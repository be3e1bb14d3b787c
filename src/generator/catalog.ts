/**
 * The song catalogue, derived on demand: song N is a pure function of (seed, N), so neither the
 * song writer nor the event simulator ever holds the catalogue in memory.
 */
import { hash32, Rng, Stream, unitFromHash } from './prng';
import { makeId } from './ids';
import {
  ARTIST_FIRST, ARTIST_LAST, ARTIST_PLACES, BAND_ADJECTIVES, BAND_PREFIXES, BAND_WORDS,
  TITLE_TAILS, TITLE_WORDS, VAGUE_PLACES,
} from './vocab';

export interface Artist {
  id: string;
  name: string;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  /** Songs of a conflicting artist may carry a variant name or place (as in the real data). */
  conflicting: boolean;
}

export interface Song {
  index: number;
  trackId: string;
  songId: string;
  artistId: string;
  artistName: string;
  artistLocation: string | null;
  artistLatitude: number | null;
  artistLongitude: number | null;
  title: string;
  /** Duration in 1e-5 seconds, so the written value has at most five decimals. */
  durationE5: number;
  year: number;
}

/** Share of artists whose songs disagree on name or place. */
const CONFLICTING_ARTIST_SHARE = 0.04;
/** Share of songs that repeat an earlier song_id in another file (the songs table keeps one). */
const DUPLICATE_SONG_ID_SHARE = 0.005;
/** Share of songs re-issued under a new song_id with identical title, artist and duration. */
const REISSUE_SHARE = 0.004;

function makeArtistName(rng: Rng): string {
  if (rng.chance(0.55)) return `${rng.pick(ARTIST_FIRST)} ${rng.pick(ARTIST_LAST)}`;
  return `${rng.pick(BAND_PREFIXES)}${rng.pick(BAND_ADJECTIVES)} ${rng.pick(BAND_WORDS)}`;
}

function makeTitle(rng: Rng): string {
  const words = rng.range(1, 4);
  const parts: string[] = [];
  for (let i = 0; i < words; i++) parts.push(rng.pick(TITLE_WORDS));
  return parts.join(' ') + rng.pick(TITLE_TAILS);
}

export class Catalog {
  readonly songCount: number;
  readonly artistCount: number;
  private readonly seed: number;
  private readonly trackIdKey: number;
  private readonly songIdKey: number;
  private readonly artistIdKey: number;

  constructor(seed: number, songCount: number) {
    this.seed = seed;
    this.songCount = songCount;
    // About 3.5 songs per artist: "artists with several songs", some with one.
    this.artistCount = Math.max(1, Math.ceil(songCount / 3.5));
    this.trackIdKey = hash32(seed, 0x7472);
    this.songIdKey = hash32(seed, 0x736f);
    this.artistIdKey = hash32(seed, 0x6172);
  }

  artist(index: number): Artist {
    const rng = new Rng(this.seed, Stream.artist, index);
    const id = makeId('AR', this.artistIdKey, index, rng);
    const name = makeArtistName(rng);
    const placeRoll = rng.float();
    let location: string | null = '';
    let latitude: number | null = null;
    let longitude: number | null = null;
    if (placeRoll < 0.45) {
      const place = rng.pick(ARTIST_PLACES);
      location = place.name;
      latitude = place.latitude;
      longitude = place.longitude;
    } else if (placeRoll < 0.6) {
      location = rng.pick(VAGUE_PLACES);
    } else if (placeRoll < 0.63) {
      location = null;
    }
    const conflicting = rng.chance(CONFLICTING_ARTIST_SHARE);
    return { id, name, location, latitude, longitude, conflicting };
  }

  /** Which artist recorded song `index` (uniform, so artists get Poisson-many songs). */
  artistIndexOf(songIndex: number): number {
    return hash32(this.seed, Stream.songArtist, songIndex) % this.artistCount;
  }

  song(index: number): Song {
    const rng = new Rng(this.seed, Stream.song, index);
    const trackId = makeId('TR', this.trackIdKey, index, rng);
    const kindRoll = rng.float();
    if (index > 0 && kindRoll < DUPLICATE_SONG_ID_SHARE + REISSUE_SHARE) {
      const original = this.song(rng.int(index));
      if (kindRoll < DUPLICATE_SONG_ID_SHARE) {
        // Same song_id in a second file with a different year: the pipeline keeps the first
        // row in song order (docs/data-rules.md), whichever file it came from.
        return { ...original, index, trackId, year: original.year === 0 ? rng.range(1960, 2010) : 0 };
      }
      return { ...original, index, trackId, songId: makeId('SO', this.songIdKey, index, rng) };
    }
    const songId = makeId('SO', this.songIdKey, index, rng);
    const artist = this.artist(this.artistIndexOf(index));
    let artistName = artist.name;
    let artistLocation = artist.location;
    let artistLatitude = artist.latitude;
    let artistLongitude = artist.longitude;
    if (artist.conflicting && rng.chance(0.5)) {
      if (rng.chance(0.5)) {
        artistName = `${artist.name} / ${makeArtistName(rng)}`;
      } else {
        const place = rng.pick(ARTIST_PLACES);
        artistLocation = place.name;
        artistLatitude = place.latitude;
        artistLongitude = place.longitude;
      }
    }
    const title = makeTitle(rng);
    // 1 to 10 minutes, log-normal-ish around 4 minutes, with five decimals.
    const seconds = Math.min(600, Math.max(30, 240 * Math.exp((rng.float() - 0.5) * 1.4)));
    const durationE5 = Math.round(seconds * 1000) * 100 + rng.int(100);
    const year = rng.chance(0.45) ? 0 : rng.range(1955, 2010);
    return {
      index, trackId, songId, artistId: artist.id, artistName, artistLocation, artistLatitude,
      artistLongitude, title, durationE5, year,
    };
  }

  /**
   * A song that is not in song_data, for the NextSong events that must not match. The index space
   * is separate from the catalogue's; titles get a word the catalogue never uses, so no accidental
   * exact match is possible.
   */
  phantom(index: number): { title: string; artistName: string; durationE5: number } {
    const rng = new Rng(this.seed, Stream.phantom, index);
    const title = `${makeTitle(rng)} ${rng.pick(PHANTOM_SUFFIXES)}`;
    const artistName = makeArtistName(rng);
    const seconds = 30 + rng.float() * 500;
    return { title, artistName, durationE5: Math.round(seconds * 100000) };
  }

  /** A deterministic per-song decision in [0, 1) for the event side (e.g. near-miss choices). */
  songUnit(index: number, purpose: number): number {
    return unitFromHash(this.seed, Stream.popularity, index, purpose);
  }
}

/** Words that appear only in phantom titles (never in TITLE_WORDS or TITLE_TAILS). */
const PHANTOM_SUFFIXES = ['(Bootleg)', 'Unreleased', '(Radio Edit)', '(Extended Mix)', 'Interlude', '(Instrumental)'];
