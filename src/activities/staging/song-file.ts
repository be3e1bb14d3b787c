import { isUtf8 } from 'node:buffer';
import type { StagingBatch } from './batch';
import { isBlankBytes, validateBytes, validateChars } from './byte-text';
import { longLineHead, tooLongReason } from './event-parser';
import { SONG_FIELDS } from './rules';

/**
 * One song file is one input row at line 1; a file of zero bytes or only whitespace is an empty
 * file, one longer than `maxLineBytes` a too-long row. Valid UTF-8 is handled as a byte string
 * (see byte-text.ts).
 */
export function loadSongFile(path: string, content: Buffer, batch: StagingBatch, maxLineBytes: number): void {
  batch.linesRead++;
  if (content.length > maxLineBytes) {
    batch.reject(path, 1, longLineHead(content), 'too-long', tooLongReason(content.length, maxLineBytes));
    return;
  }
  const asBytes = isUtf8(content);
  const text = content.toString(asBytes ? 'latin1' : 'utf8');
  if (asBytes ? isBlankBytes(text) : text.trim() === '') {
    batch.reject(path, 1, asBytes ? content.toString('utf8') : text, 'empty-file', 'empty file');
    return;
  }
  const result = asBytes ? validateBytes(text, SONG_FIELDS) : validateChars(text, SONG_FIELDS);
  if (result.ok) batch.row(result.columns, path, 1);
  else batch.reject(path, 1, result.raw, result.kind, result.reason);
}
