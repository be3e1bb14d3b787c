/** corruptions.json, streamed: one entry per rejected input row, in generation order. */
import * as path from 'node:path';
import { CorruptionEntry } from './corrupt';
import { BufferedFile } from './output';

export const MANIFEST_FILE = 'corruptions.json';

export class ManifestWriter {
  private readonly file: BufferedFile;
  count = 0;

  constructor(root: string) {
    this.file = new BufferedFile(path.join(root, MANIFEST_FILE));
    this.file.write('[');
  }

  add(entry: CorruptionEntry): void {
    const text = `{"file": ${JSON.stringify(entry.file)}, "line": ${entry.line}, "kind": "${entry.kind}"}`;
    this.file.write(`${this.count === 0 ? '' : ','}\n  ${text}`);
    this.count++;
  }

  /** Closes the file; returns its size in bytes. */
  close(): number {
    this.file.write(this.count === 0 ? ']\n' : '\n]\n');
    this.file.close();
    return this.file.bytes;
  }
}
