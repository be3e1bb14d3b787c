import { StringDecoder } from 'node:string_decoder';
import { sourceNotFound } from '../../sources/errors';
import type { Source, SourceFile } from '../../sources/source';
import type { StagingBatch } from './batch';
import { EVENT_FIELDS } from './rules';
import { validateText } from './validate';

/** A line is blank (not a row) when it holds nothing but whitespace (a trailing \r included). */
const NON_BLANK = /\S/;

/**
 * Streams one event file into the batch: each non-blank line is validated and either loaded or
 * rejected. Lines are 1-based and count every line, blank ones included.
 */
export async function loadEventFile(source: Source, file: SourceFile, batch: StagingBatch): Promise<number> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lineNo = 0;
  let bytes = 0;
  const handle = (line: string): void => {
    lineNo++;
    if (!NON_BLANK.test(line)) return;
    batch.linesRead++;
    const result = validateText(line, EVENT_FIELDS);
    if (result.ok) batch.row(result.columns, file.path, lineNo);
    else batch.reject(file.path, lineNo, line, result.kind, result.reason);
  };
  try {
    for await (const chunk of source.openStream(file.path) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      const text = rest + decoder.write(chunk);
      let start = 0;
      let end: number;
      while ((end = text.indexOf('\n', start)) !== -1) {
        handle(text.slice(start, end));
        start = end + 1;
      }
      rest = text.slice(start);
      await batch.drain();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code && (err as NodeJS.ErrnoException).syscall) throw sourceNotFound(file.path, err);
    throw err;
  }
  rest += decoder.end();
  if (rest.length > 0) handle(rest);
  await batch.drain();
  return bytes;
}
