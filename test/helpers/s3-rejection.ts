import { expect } from 'vitest';
import { S3SourceError } from '../../src/sources/s3.js';

/** The S3SourceError a store call rejects with (the test fails if it resolves or rejects with anything else). */
export async function rejection(p: Promise<unknown>): Promise<S3SourceError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3SourceError);
  return error as S3SourceError;
}
