/**
 * S3 sources under the rules of test/unit/source-gives-nothing.test.ts, against a loopback S3:
 * an empty prefix or an empty bucket beside the trail's bucket is exit 3 naming it (it was
 * dropped unsaid: exit 0, the report saying it covered both), and a trail whose every log
 * object of the period is corrupt is exit 3 (it was an all-clear report, "findings: none").
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import { FIXTURE_TREE, reportOptions } from '../helpers/report-options.js';
import { s3BehindProxy } from '../helpers/s3-behind-proxy.js';
import { logKey, record } from '../helpers/trail-tree.js';

const BUCKET = 'acme-iot-org-trail';
const EMPTY_BUCKET = 'acme-empty';
const CORRUPT_BUCKET = 'acme-corrupt-trail';
const A = '111122223333';
const CORRUPT = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3]);
const corruptKey = (day: string, suffix: string) => logKey({ org: 'o-abcdefghij', account: A, region: 'us-east-1', delivered: `2026-10-${day}T00:00`, suffix });

s3BehindProxy(async (server) => {
  await server.uploadTree(BUCKET, FIXTURE_TREE, '', () => undefined);
  // Something under another prefix of the same bucket, so that `nothing-here/` is an empty prefix of a bucket that has objects.
  await server.putObject(BUCKET, 'other/readme.txt', 'x');
  await server.createBucket(EMPTY_BUCKET);
  await server.createBucket(CORRUPT_BUCKET);
  await server.putObject(CORRUPT_BUCKET, corruptKey('01', 'corrupt000000001'), CORRUPT);
  await server.putObject(CORRUPT_BUCKET, corruptKey('02', 'corrupt000000002'), CORRUPT);
  // Outside the period: not read, so no help.
  await server.putObject(CORRUPT_BUCKET, logKey({ org: 'o-abcdefghij', account: A, region: 'us-east-1', delivered: '2026-08-05T10:00' }), gzipSync(JSON.stringify({ Records: [record({ eventTime: '2026-08-05T10:00:00Z' })] })));
});

const nothingUnder = (label: string) =>
  new SourceError(
    `no CloudTrail log files were found for October 2026 (UTC) under ${label}: check that --source is the trail's bucket or a copy of it (or a folder of log files), and that the trail logged in this period`,
  );

describe('an S3 source that gives nothing beside the trail bucket', () => {
  it('an empty prefix beside the trail\'s prefix: exit 3 naming it', async () => {
    // Beside, not inside: a prefix inside another source given is read through it, and left out with a note (repeated-sources.test.ts).
    const run = runReport(reportOptions({ sources: [`s3://${BUCKET}/audit-logs`, `s3://${BUCKET}/nothing-here`] }));
    await expect(run).rejects.toMatchObject({ exitCode: 3 });
    await expect(run).rejects.toThrow(nothingUnder(`s3://${BUCKET}/nothing-here`));
  });

  it('an empty bucket: exit 3 naming it', async () => {
    await expect(runReport(reportOptions({ sources: [`s3://${EMPTY_BUCKET}`, `s3://${BUCKET}`] }))).rejects.toThrow(nothingUnder(`s3://${EMPTY_BUCKET}`));
  });

  it('the trail bucket alone is still the fixture\'s report', async () => {
    const { model, exitCode } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`] }));
    expect(exitCode).toBe(0);
    expect(model.summary.totalEvents).toBe(634);
  });
});

describe('an S3 trail whose every log object of the period is corrupt', () => {
  it('exit 3, naming the first object and what to do', async () => {
    const run = runReport(reportOptions({ sources: [`s3://${CORRUPT_BUCKET}`], accountsFile: undefined, failOn: 'low' }));
    await expect(run).rejects.toMatchObject({ exitCode: 3 });
    await expect(run).rejects.toThrow(
      new RegExp(
        `^no CloudTrail log file for October 2026 \\(UTC\\) could be read under s3://${CORRUPT_BUCKET}: 2 log files read, all unreadable \\(s3://${CORRUPT_BUCKET}/${corruptKey('01', 'corrupt000000001').replaceAll('.', '\\.')}: `,
      ),
    );
  });

  it('beside the trail bucket: the report, the corrupt objects named', async () => {
    const { model } = await runReport(reportOptions({ sources: [`s3://${BUCKET}`, `s3://${CORRUPT_BUCKET}`] }));
    expect(model.summary.totalEvents).toBe(634);
    expect(model.coverage.unreadableFiles.filter((u) => u.source === `s3://${CORRUPT_BUCKET}`)).toHaveLength(2);
  });
});
