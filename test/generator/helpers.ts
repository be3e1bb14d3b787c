/** Shared by the generator tests: temporary directories and file-tree digests. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sparkify-gen-${label}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Every file under `root`, relative with "/", sorted. */
export function listFiles(root: string, under = ''): string[] {
  const out: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out.push(child);
    }
  };
  walk(under);
  return out.sort();
}

/** sha256 of every file, keyed by relative path. */
export function treeDigest(root: string, exclude: string[] = []): Record<string, string> {
  const digest: Record<string, string> = {};
  for (const file of listFiles(root)) {
    if (exclude.includes(file)) continue;
    digest[file] = createHash('sha256').update(fs.readFileSync(path.join(root, file))).digest('hex');
  }
  return digest;
}

export function readText(root: string, file: string): string {
  return fs.readFileSync(path.join(root, file), 'utf8');
}
