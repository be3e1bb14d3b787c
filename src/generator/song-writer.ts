/** Writes song_data/: one JSON object per file, at the path derived from its track id. */
import * as path from 'node:path';
import { Catalog, Song } from './catalog';
import { corruptSongFile } from './corrupt';
import { songFilePath } from './ids';
import { fixed5Text, floatText, pythonString, songObjectText } from './json-format';
import { ManifestWriter } from './manifest';
import { ResolvedOptions } from './options';
import { Rng, Stream, unitFromHash } from './prng';
import { Directories, writeWholeFile } from './output';

export interface SongWriteStats {
  files: number;
  bytes: number;
}

const YIELD_EVERY = 2000;

function numberOrNull(value: number | null): string {
  return value === null ? 'null' : floatText(value);
}

function stringOrNull(value: string | null): string {
  return value === null ? 'null' : pythonString(value);
}

export function songFields(song: Song): [string, string][] {
  return [
    ['num_songs', '1'],
    ['artist_id', pythonString(song.artistId)],
    ['artist_latitude', numberOrNull(song.artistLatitude)],
    ['artist_longitude', numberOrNull(song.artistLongitude)],
    ['artist_location', stringOrNull(song.artistLocation)],
    ['artist_name', pythonString(song.artistName)],
    ['song_id', pythonString(song.songId)],
    ['title', pythonString(song.title)],
    ['duration', fixed5Text(song.durationE5)],
    ['year', String(song.year)],
  ];
}

export async function writeSongs(
  options: ResolvedOptions, root: string, catalog: Catalog, manifest: ManifestWriter | null,
): Promise<SongWriteStats> {
  const directories = new Directories();
  let bytes = 0;
  let corrupted = 0;
  for (let index = 0; index < options.songs; index++) {
    const song = catalog.song(index);
    const relative = songFilePath(song.trackId);
    const absolute = path.join(root, relative);
    directories.ensure(path.dirname(absolute));
    const fields = songFields(song);
    let content: string;
    if (manifest && unitFromHash(options.seed, Stream.corruptSong, index) < options.corrupt) {
      const bad = corruptSongFile(fields, corrupted++, new Rng(options.seed, Stream.corruptSong, index), songObjectText);
      content = bad.content;
      manifest.add({ file: relative, line: 1, kind: bad.kind });
    } else {
      content = songObjectText(fields);
    }
    bytes += writeWholeFile(absolute, content);
    if (index % YIELD_EVERY === YIELD_EVERY - 1) await new Promise((resolve) => setImmediate(resolve));
  }
  return { files: options.songs, bytes };
}
