/** Synchronous, buffered file output: many small song files and a few large day files. */
import * as fs from 'node:fs';
import * as path from 'node:path';

const FLUSH_CHARS = 1 << 20;

/** Creates each directory once; remembers what exists (at most 26^3 song directories). */
export class Directories {
  private readonly made = new Set<string>();

  ensure(dir: string): void {
    if (this.made.has(dir)) return;
    const parent = path.dirname(dir);
    if (parent !== dir) this.ensure(parent);
    // One plain mkdir per new directory: cheaper than a recursive mkdir that re-walks the parents.
    try {
      fs.mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    this.made.add(dir);
  }
}

/** Appends text to one file through a 1 MiB buffer, counting the bytes written. */
export class BufferedFile {
  private readonly fd: number;
  private parts: string[] = [];
  private pendingChars = 0;
  bytes = 0;

  constructor(readonly filePath: string) {
    this.fd = fs.openSync(filePath, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.pendingChars += text.length;
    if (this.pendingChars >= FLUSH_CHARS) this.flush();
  }

  private flush(): void {
    if (this.parts.length === 0) return;
    const buffer = Buffer.from(this.parts.join(''), 'utf8');
    let offset = 0;
    while (offset < buffer.length) offset += fs.writeSync(this.fd, buffer, offset);
    this.bytes += buffer.length;
    this.parts = [];
    this.pendingChars = 0;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** Writes a whole small file; returns its size in bytes. */
export function writeWholeFile(filePath: string, content: string): number {
  const buffer = Buffer.from(content, 'utf8');
  fs.writeFileSync(filePath, buffer);
  return buffer.length;
}
