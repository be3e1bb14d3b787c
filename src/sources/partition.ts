import { fnv1a32 } from '../shared/fnv1a';

/** The staging partition of a file, from its path relative to the source root. */
export function partitionOf(relativePath: string, partitions: number): number {
  return fnv1a32(relativePath) % partitions;
}
