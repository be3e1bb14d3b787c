/** 32-bit FNV-1a over the UTF-8 bytes of a string: stable across processes, platforms and runs. */
export function fnv1a32(text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i];
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The staging partition of a file, from its path relative to the source root. */
export function partitionOf(relativePath: string, partitions: number): number {
  return fnv1a32(relativePath) % partitions;
}
