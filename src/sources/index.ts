import { ApplicationFailure } from '@temporalio/common';
import type { SourceRef } from '../contract';
import { LocalSource } from './local';
import type { Source } from './source';

/** Source type → opener. Types this build cannot read are absent and fail by name. */
const openers: ReadonlyMap<string, (ref: SourceRef) => Promise<Source>> = new Map([
  ['local', (ref: SourceRef) => LocalSource.open(ref)],
]);

export async function openSource(ref: SourceRef): Promise<Source> {
  const open = ref && typeof ref === 'object' ? openers.get(ref.type) : undefined;
  if (!open) {
    throw ApplicationFailure.create({
      message: `unsupported source type "${ref?.type}" (this build reads: ${[...openers.keys()].join(', ')})`,
      type: 'UnsupportedSource',
      nonRetryable: true,
    });
  }
  if (typeof ref.path !== 'string' || ref.path === '') {
    throw ApplicationFailure.create({ message: 'source.path must be a non-empty string', type: 'SourceNotFound', nonRetryable: true });
  }
  return open(ref);
}

export type { Source, SourceFile } from './source';
export { partitionOf } from './partition';
