import type { StagingBatch } from './batch';
import { SONG_FIELDS } from './rules';
import { validateText } from './validate';

/** One song file is one input row at line 1; a file of zero bytes or only whitespace is an empty file. */
export function loadSongFile(path: string, content: Buffer, batch: StagingBatch): void {
  batch.linesRead++;
  const text = content.toString('utf8');
  if (text.trim() === '') {
    batch.reject(path, 1, text, 'empty-file', 'empty file');
    return;
  }
  const result = validateText(text, SONG_FIELDS);
  if (result.ok) batch.row(result.columns, path, 1);
  else batch.reject(path, 1, text, result.kind, result.reason);
}
