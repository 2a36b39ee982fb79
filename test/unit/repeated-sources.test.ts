/**
 * A source given twice, or inside another source given, was read twice: every log file counted
 * twice in "log files read" and "unreadable", each unreadable key listed twice in Coverage (the
 * events were de-duplicated already). 2026-11-26 review.
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runReport } from '../../src/pipeline/report.js';
import { openSources } from '../../src/sources/open.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { stubLoopbackAwsEnv } from '../helpers/aws-env.js';

const INNER = path.join(FIXTURE_TREE, 'audit-logs');
const ACCOUNT_FOLDER = path.join(INNER, 'AWSLogs/o-7f3k2m9xq1/314159265358');

let links: string;
beforeAll(() => {
  links = mkdtempSync(path.join(tmpdir(), 'iot-audit-repeated-'));
  symlinkSync(FIXTURE_TREE, path.join(links, 'trail'));
});
afterAll(() => rmSync(links, { recursive: true, force: true }));

async function coverage(sources: string[]) {
  const { model } = await runReport(reportOptions({ sources }));
  const c = model.coverage;
  return {
    filesRead: c.filesRead,
    unreadable: c.unreadableFiles.map((f) => f.key),
    sources: model.sources.map((s) => s.label),
    events: model.events.length,
  };
}

describe('report: a source read by another source given is read once', () => {
  let once: Awaited<ReturnType<typeof coverage>>;
  beforeAll(async () => {
    once = await coverage([FIXTURE_TREE]);
    // The fixture's counts, as the README's example prints them.
    expect(once.filesRead).toBe(178);
    expect(once.unreadable).toHaveLength(3);
  });

  it.each([
    ['the same folder twice', () => [FIXTURE_TREE, FIXTURE_TREE]],
    ['the same folder, spelled with a trailing slash', () => [FIXTURE_TREE, `${FIXTURE_TREE}/`]],
    ['a folder inside it, after it', () => [FIXTURE_TREE, INNER]],
    ['an account folder inside its AWSLogs/', () => [FIXTURE_TREE, ACCOUNT_FOLDER]],
    ['the same folder through a link', () => [FIXTURE_TREE, path.join(links, 'trail')]],
  ])('%s', async (_, sources) => {
    const twice = await coverage(sources());
    expect(twice.filesRead).toBe(once.filesRead);
    expect(twice.unreadable).toEqual(once.unreadable);
    expect(twice.events).toBe(once.events);
    expect(twice.sources).toEqual(once.sources);
  });

  it('a folder inside another, given first: the outer one is kept', async () => {
    const twice = await coverage([INNER, FIXTURE_TREE]);
    expect(twice.filesRead).toBe(once.filesRead);
    expect(twice.unreadable).toEqual(once.unreadable);
    expect(twice.sources).toEqual(once.sources);
  });
});

describe('openSources', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('tells which source it left out, and for which', async () => {
    const warnings: string[] = [];
    const stores = await openSources(['fixtures/org-trail/audit-logs', 'fixtures/org-trail', 'fixtures/org-trail/'], { note: (text) => warnings.push(text) });
    expect(stores.map((s) => s.label)).toEqual(['fixtures/org-trail']);
    expect(warnings).toEqual([
      '--source fixtures/org-trail/audit-logs is left out: it lies inside --source fixtures/org-trail, which reads all of it',
      '--source fixtures/org-trail/ is left out: it is the same source as --source fixtures/org-trail, which reads all of it',
    ]);
  });

  it('keeps folders side by side, and a folder inside the output folder that the one around it skips', async () => {
    const side = await openSources([path.join(INNER, 'AWSLogs/o-7f3k2m9xq1/271828182845'), ACCOUNT_FOLDER]);
    expect(side).toHaveLength(2);
    const skipped = await openSources([FIXTURE_TREE, ACCOUNT_FOLDER], { outDir: INNER });
    expect(skipped).toHaveLength(2);
  });

  it('keeps one of an S3 bucket and prefix given twice, or a prefix inside another of the same bucket', async () => {
    stubLoopbackAwsEnv({ AWS_REGION: 'us-east-1' });
    const warnings: string[] = [];
    const stores = await openSources(['s3://trail-bucket/AWSLogs/o-1/111122223333', 's3://trail-bucket', 's3://trail-bucket/', 's3://other-bucket/AWSLogs', 's3://trail-bucket2'], {
      note: (text) => warnings.push(text),
    });
    expect(stores.map((s) => s.label)).toEqual(['s3://trail-bucket', 's3://other-bucket/AWSLogs', 's3://trail-bucket2']);
    expect(warnings).toEqual([
      '--source s3://trail-bucket/AWSLogs/o-1/111122223333 is left out: it lies inside --source s3://trail-bucket, which reads all of it',
      '--source s3://trail-bucket/ is left out: it is the same source as --source s3://trail-bucket, which reads all of it',
    ]);
    // A prefix is a folder: AWSLogs-old/ is not inside AWSLogs/.
    const apart = await openSources(['s3://trail-bucket/AWSLogs', 's3://trail-bucket/AWSLogs-old']);
    expect(apart.map((s) => s.label)).toEqual(['s3://trail-bucket/AWSLogs', 's3://trail-bucket/AWSLogs-old']);
  });
});
