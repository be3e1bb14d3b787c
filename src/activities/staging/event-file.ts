import { sourcePathError } from '../../sources/errors';
import type { Source, SourceFile } from '../../sources/source';
import type { StagingBatch } from './batch';
import type { ParsedEvents } from './event-parser';
import { inlineParser, type ParserThread } from './parser-pool';

/** Chunks handed to the parser before the first result is waited for: reading overlaps parsing. */
const IN_FLIGHT = 4;

/**
 * Streams one event file into the batch: each non-blank line is validated (see EventFileParser)
 * and either loaded or rejected. Parsing runs on `thread` when given, else in this thread.
 * Returns the bytes read.
 */
export async function loadEventFile(
  source: Source,
  file: string,
  batch: StagingBatch,
  maxLineBytes: number,
  thread?: ParserThread,
  planned?: SourceFile,
): Promise<number> {
  const parser = thread ? thread.parserFor(file, maxLineBytes) : inlineParser(file, maxLineBytes);
  const inFlight: Promise<ParsedEvents>[] = [];
  const queue = (parsed: Promise<ParsedEvents>) => {
    // Awaited in order below; until then a failure must not count as unhandled.
    parsed.catch(() => undefined);
    inFlight.push(parsed);
  };
  const applyOldest = async () => {
    batch.append(file, await (inFlight.shift() as Promise<ParsedEvents>));
    await batch.drain();
  };
  let bytes = 0;
  try {
    for await (const chunk of source.openStream(file, planned) as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      queue(parser.push(chunk));
      if (inFlight.length >= IN_FLIGHT) await applyOldest();
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException)?.code;
    if (code && (err as NodeJS.ErrnoException).syscall) throw sourcePathError(source.describe(file), err);
    throw err;
  }
  queue(parser.end());
  while (inFlight.length > 0) await applyOldest();
  return bytes;
}
