/**
 * A command that reads the trail's files (`verify`) given an Athena table says that it cannot
 * read one, not that a folder of that name does not exist (2026-11-26 review).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { openSources } from '../../src/sources/open.js';

describe('openSources', () => {
  it('refuses an athena:// source with what to give instead', async () => {
    const error = await openSources(['athena://cloudtrail.org_trail']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      "athena://cloudtrail.org_trail: this command reads the trail's files (its digests too), which an Athena table does not hold: give the trail's bucket (s3://bucket/prefix) or a copy of it",
    );
  });
});
