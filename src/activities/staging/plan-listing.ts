/**
 * The staging plan's listing written into staging_files: one COPY FROM STDIN per kind, streamed
 * while the source is still being listed, in one transaction that first removes an earlier
 * attempt's rows for the same kind and partition count.
 */
import { finished } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import type { StagingKind } from '../../contract';
import type { SourceFile } from '../../sources/source';
import { sqlStatement } from '../../warehouse/sql-files';
import { abandonCopy, drained } from './copy-stream';
import { COPY_NULL, copyText } from './copy-text';

/** Rows are handed to the COPY stream in chunks of about this many characters. */
const WRITE_CHUNK = 256 * 1024;

/** Records one listed file; returns a promise only when the caller must wait (the connection pushes back). */
export type RecordFile = (file: SourceFile, partition: number) => Promise<void> | undefined;

export async function recordListing<R>(client: Client, kind: StagingKind, partitions: number, list: (record: RecordFile) => Promise<R>): Promise<R> {
  let copy: CopyStreamQuery | undefined;
  let failure: Error | undefined;
  await client.query('BEGIN');
  try {
    await client.query(sqlStatement('queries/clear_staging_files.sql'), [kind, partitions]);
    const stream = client.query(copyFrom(sqlStatement('queries/copy_staging_files.sql')));
    copy = stream;
    // Heard at once: a connection lost while the listing waits on the source would otherwise crash the process.
    stream.on('error', (err: Error) => {
      failure ??= err;
    });
    const head = `${copyText(kind)}\t${partitions}\t`;
    let rows: string[] = [];
    let chars = 0;
    const write = async (): Promise<void> => {
      if (failure) throw failure;
      const flowing = stream.write(rows.join(''));
      rows = [];
      chars = 0;
      if (!flowing) await drained(stream, () => failure);
    };
    const result = await list((file, partition) => {
      const etag = file.etag === undefined ? COPY_NULL : copyText(file.etag);
      const row = `${head}${partition}\t${copyText(file.path)}\t${file.size}\t${etag}\n`;
      rows.push(row);
      chars += row.length;
      return chars >= WRITE_CHUNK ? write() : undefined;
    });
    if (chars > 0) await write();
    // A failure heard already would not be heard again by finished() below.
    if (failure) throw failure;
    stream.end();
    await finished(stream);
    copy = undefined;
    if (failure) throw failure;
    await client.query('COMMIT');
    return result;
  } catch (err) {
    const cause = failure ?? err;
    if (copy) await abandonCopy(copy, failure !== undefined, 'staging plan abandoned');
    await client.query('ROLLBACK').catch(() => undefined);
    throw cause;
  }
}
