import { finished } from 'node:stream/promises';
import type { Client } from 'pg';
import { from as copyFrom, type CopyStreamQuery } from 'pg-copy-streams';
import { sqlStatement } from '../../warehouse/sql-files';
import { BINARY_COPY_HEADER, BINARY_COPY_TRAILER } from './binary-copy';
import { bytesFromUtf8 } from './byte-text';
import { abandonCopy, drained } from './copy-stream';
import { copyText, withoutNul } from './copy-text';
import type { ParsedEvents } from './event-parser';
import type { ReasonKind } from './rules';

/** Output is handed to the COPY stream in chunks of about this many characters. */
const WRITE_CHUNK = 512 * 1024;
/** Rejected rows are buffered up to this size, then copied into load_errors mid-batch. */
const REJECT_BUFFER = 4 * 1024 * 1024;

/** How a staging table's rows travel: COPY text (songs) or binary (events, see binary-copy.ts). */
export type CopyFormat = 'text' | 'binary';

/**
 * One batch = one transaction: a COPY into the staging table, interrupted only to COPY buffered
 * rejections into load_errors. Rows are appended synchronously; callers await `drain()` at their
 * async points (after each input chunk or file), which keeps memory bounded by the chunk sizes.
 */
export class StagingBatch {
  private copy: CopyStreamQuery | undefined;
  /** Rows waiting for the COPY stream: parsed buffers, and byte-string rows not yet encoded. */
  private pending: Buffer[] = [];
  private pendingText: string[] = [];
  private pendingChars = 0;
  private rejects: string[] = [];
  private rejectChars = 0;
  files = 0;
  bytes = 0;
  linesRead = 0;
  rowsLoaded = 0;
  rowsRejected = 0;
  lastFile = '';
  private escapedFor = '';
  private escapedFile = '';
  /**
   * The first error of a COPY stream. A stream emits 'error' when the connection drops, also while
   * the batch is between writes (waiting for a file chunk); unheard, that would crash the process.
   */
  private failure: Error | undefined;

  private constructor(
    private readonly client: Client,
    private readonly copySql: string,
    private readonly staging: string,
    private readonly format: CopyFormat,
  ) {}

  /**
   * Opens the batch's transaction; `claim` runs first in it (it locks the partition's progress)
   * and may refuse, in which case the transaction is rolled back and undefined returned.
   */
  static async begin(
    client: Client,
    copySqlFile: string,
    format: CopyFormat,
    staging: string,
    claim: () => Promise<boolean>,
  ): Promise<StagingBatch | undefined> {
    await client.query('BEGIN');
    let claimed = false;
    try {
      claimed = await claim();
    } finally {
      if (!claimed) await client.query('ROLLBACK').catch(() => undefined);
    }
    if (!claimed) return undefined;
    const batch = new StagingBatch(client, sqlStatement(copySqlFile), staging, format);
    batch.openCopy();
    return batch;
  }

  private openCopy(): void {
    this.copy = this.listened(this.client.query(copyFrom(this.copySql)));
    if (this.format === 'binary') this.copy.write(BINARY_COPY_HEADER);
  }

  /** Every COPY stream gets its 'error' listener before anything is written to it. */
  private listened(copy: CopyStreamQuery): CopyStreamQuery {
    copy.on('error', (err: Error) => {
      this.failure ??= err;
    });
    return copy;
  }

  /** Throws the COPY's error, if one came since the last write. */
  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Appends one loaded row: its COPY columns (a byte string, see byte-text.ts) plus provenance. */
  row(columns: string, file: string, line: number): void {
    if (this.format !== 'text') throw new Error(`text rows cannot join a ${this.format} COPY of ${this.staging}`);
    if (file !== this.escapedFor) {
      this.escapedFor = file;
      this.escapedFile = bytesFromUtf8(copyText(file));
    }
    const text = `${columns}\t${this.escapedFile}\t${line}\n`;
    this.pendingText.push(text);
    this.pendingChars += text.length;
    this.rowsLoaded++;
  }

  /** Appends what a parser made of a chunk of `file`: its rows (in the batch's format), counts and rejections. */
  append(file: string, parsed: ParsedEvents): void {
    this.encodeText();
    if (parsed.rows.length > 0) this.pending.push(parsed.rows);
    this.pendingChars += parsed.rows.length;
    this.linesRead += parsed.linesRead;
    this.rowsLoaded += parsed.rowsLoaded;
    for (const r of parsed.rejects) this.reject(file, r.line, r.raw, r.kind, r.reason);
  }

  /** Byte-string rows become one buffer; latin1 turns them back into the exact UTF-8 bytes. */
  private encodeText(): void {
    if (this.pendingText.length === 0) return;
    this.pending.push(Buffer.from(this.pendingText.join(''), 'latin1'));
    this.pendingText = [];
  }

  /** Records one rejected row for load_errors (raw and reason are real text). */
  reject(file: string, line: number, raw: string, kind: ReasonKind, reason: string): void {
    const text = `${copyText(file)}\t${line}\t${this.staging}\t${copyText(withoutNul(raw))}\t${kind}\t${copyText(withoutNul(reason))}\n`;
    this.rejects.push(text);
    this.rejectChars += text.length;
    this.rowsRejected++;
  }

  /** Writes buffered rows to the COPY stream, waiting when the connection pushes back. */
  async drain(): Promise<void> {
    this.throwIfFailed();
    if (this.pendingChars >= WRITE_CHUNK) await this.flushRows();
    if (this.rejectChars >= REJECT_BUFFER) {
      await this.flushRows();
      await this.endCopy();
      await this.copyRejects();
      this.openCopy();
    }
  }

  private async flushRows(): Promise<void> {
    this.throwIfFailed();
    this.encodeText();
    const copy = this.copy;
    if (this.pending.length === 0 || !copy) return;
    const chunks = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    let flowing = true;
    for (const chunk of chunks) flowing = copy.write(chunk);
    if (!flowing) await drained(copy, () => this.failure);
    this.throwIfFailed();
  }

  private async endCopy(): Promise<void> {
    const copy = this.copy;
    this.copy = undefined;
    if (!copy) return;
    this.throwIfFailed();
    if (this.format === 'binary') copy.write(BINARY_COPY_TRAILER);
    copy.end();
    await finished(copy);
    this.throwIfFailed();
  }

  private async copyRejects(): Promise<void> {
    if (this.rejects.length === 0) return;
    this.throwIfFailed();
    const copy = this.listened(this.client.query(copyFrom(sqlStatement('queries/copy_load_errors.sql'))));
    const text = this.rejects.join('');
    this.rejects = [];
    this.rejectChars = 0;
    copy.end(text);
    await finished(copy);
    this.throwIfFailed();
  }

  /** Finishes both COPYs; the caller then records progress and commits. */
  async finish(): Promise<void> {
    await this.flushRows();
    await this.endCopy();
    await this.copyRejects();
  }

  /** Abandons the batch: nothing of it stays in the warehouse. */
  async rollback(): Promise<void> {
    const copy = this.copy;
    this.copy = undefined;
    if (copy) await abandonCopy(copy, this.failure !== undefined, 'staging batch abandoned');
    await this.client.query('ROLLBACK').catch(() => undefined);
  }
}
