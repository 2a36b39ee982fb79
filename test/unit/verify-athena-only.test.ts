/**
 * `report --verify` with only Athena sources is refused before anything is read: a table holds
 * no digest files, and the check of nothing said "logs intact (0 account-regions checked)"
 * (2026-11-26 review). Beside a bucket or a copy of it, --verify checks that.
 */
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, UsageError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import { ROOT, reportOptions } from '../helpers/report-options.js';

describe('report --verify over Athena alone', () => {
  it('is a usage error (exit 2) that says what to add, and writes nothing', async () => {
    const out = path.join(os.tmpdir(), `iot-audit-verify-athena-${process.pid}`);
    const error = await runReport(
      reportOptions({ sources: ['athena://cloudtrail.org_trail'], outDir: out, verify: { publicKeysFile: path.join(ROOT, 'fixtures/public-keys.json') } }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(EXIT.USAGE);
    expect((error as Error).message).toMatch(/^--verify checks the trail's digest files, which an Athena table does not hold: add the trail's bucket/);
    expect(existsSync(out)).toBe(false);
  });

  it('is run over a copy of the bucket (the refusal is for Athena sources alone)', async () => {
    const options = reportOptions({ verify: { publicKeysFile: path.join(ROOT, 'fixtures/public-keys.json') } });
    const { model } = await runReport(options);
    expect(model.integrity?.chains.length).toBeGreaterThan(0);
    expect(readdirSync(options.outDir)).toContain('iot-audit-2026-10.json');
  });
});
