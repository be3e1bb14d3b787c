import { ApplicationFailure } from '@temporalio/common';
import type { SourceRef } from '../contract';
import { LocalSource } from './local';
import { checkSourceRef, SourceLocationError } from '../contract/source-location';
import { S3Source } from './s3';
import type { Source } from './source';

/** Source type → opener. Types this build cannot read are absent and fail by name. */
const openers: ReadonlyMap<string, (ref: SourceRef) => Promise<Source>> = new Map<string, (ref: SourceRef) => Promise<Source>>([
  ['local', (ref: SourceRef) => LocalSource.open(ref)],
  ['s3', (ref: SourceRef) => S3Source.open(ref)],
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
  try {
    checkSourceRef(ref);
  } catch (err) {
    if (err instanceof SourceLocationError) {
      throw ApplicationFailure.create({ message: err.message, type: 'SourceNotFound', nonRetryable: true });
    }
    throw err;
  }
  return open(ref);
}

export type { Source, SourceFile } from './source';
export { partitionOf } from './partition';
