/** The input files of a dataset: every *.json under song_data/ and log_data/, relative with "/". */
import * as fs from 'node:fs';
import * as path from 'node:path';

function walk(root: string, relative: string, out: string[]): void {
  const absolute = path.join(root, relative);
  if (!fs.existsSync(absolute)) return;
  for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
    const child = `${relative}/${entry.name}`;
    if (entry.isDirectory()) walk(root, child, out);
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(child);
  }
}

/** Byte order of UTF-8 text: the order of "smallest file path", "later file" and "lowest song_id". */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function listInputFiles(root: string, folder: 'song_data' | 'log_data'): string[] {
  const files: string[] = [];
  walk(root, folder, files);
  return files.sort(comparePaths);
}
