/**
 * The PDF is printed by a browser started when the read ends, while the report is built and its
 * other outputs render: a real Chromium, the fixtures. What a user sees: the files in --format
 * order whatever finished first, the same PDF and JSON as written on their own, and no browser or
 * profile left when another output fails while the PDF prints.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.js';
import { runReport } from '../../src/pipeline/report.js';
import { findBrowser } from '../../src/render/browser.js';
import { reportOptions } from '../helpers/report-options.js';
import { chromiumFolders, processesGone, processesWith } from '../helpers/chromium.js';

let browserPath: string;
let dir: string;
/** The temporary folder of the browser's profile (TMPDIR): nothing of Chromium may be left in it. */
let tmp: string;
const savedTmpdir = process.env.TMPDIR;


beforeAll(async () => {
  browserPath = await findBrowser({ env: process.env });
  dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-pdf-alongside-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  tmp = mkdtempSync(path.join(dir, 'tmp-'));
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

describe('report with pdf among other formats', () => {
  it('starts the browser before the build, writes the others while it prints, and lists the files in --format order', async () => {
    const phases: string[] = [];
    let browserAtBuild = false;
    const out = path.join(dir, 'out');
    const result = await runReport(
      reportOptions({
        formats: ['pdf', 'json', 'csv'],
        outDir: out,
        render: { paper: 'a4', browserPath },
        onTiming: (phase) => {
          phases.push(phase);
          // Chromium itself, its command line naming the profile in `tmp`.
          if (phase === 'build') browserAtBuild = processesWith(tmp) !== '';
        },
      }),
    );
    expect(browserAtBuild).toBe(true);
    // The JSON and both CSVs in --format order while the PDF prints (whether it is done before
    // or after them depends on the machine's load), then the wait for it, then the commit.
    const outputPhases = phases.filter((p) => p.startsWith('render:') || p.startsWith('wait:') || p === 'write');
    expect(outputPhases.filter((p) => p !== 'render:pdf')).toEqual(['render:json', 'render:csv', 'render:findings.csv', 'wait:pdf', 'write']);
    expect(outputPhases.indexOf('render:pdf')).toBeGreaterThanOrEqual(0);
    expect(outputPhases.indexOf('render:pdf')).toBeLessThan(outputPhases.indexOf('wait:pdf'));
    const names = ['iot-audit-2026-10.pdf', 'iot-audit-2026-10.json', 'iot-audit-2026-10.csv', 'iot-audit-2026-10-findings.csv'];
    expect(result.written.map((w) => w.name)).toEqual(names);
    expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' }).trim().split('\n')).toHaveLength(4);
    expect(chromiumFolders(tmp)).toEqual([]);

    // The same bytes as with the PDF asked for last (reproducible: pdf.test.ts), each file.
    const last = path.join(dir, 'last');
    await runReport(reportOptions({ formats: ['json', 'csv', 'pdf'], outDir: last, render: { paper: 'a4', browserPath } }));
    for (const name of names) expect(readFileSync(path.join(out, name)).equals(readFileSync(path.join(last, name))), name).toBe(true);
  });

  it('an output that cannot be written while the PDF prints: that error, no browser or profile left, nothing written', async () => {
    // --out taken by a file once the read is done (it passed the check before the read): the
    // first output after the PDF (the JSON) cannot be written.
    const out = path.join(dir, 'out-taken');
    let browserAtBuild = false;
    const phases: string[] = [];
    const run = runReport(
      reportOptions({
        formats: ['pdf', 'json'],
        outDir: out,
        render: { paper: 'a4', browserPath },
        onTiming: (phase) => {
          phases.push(phase);
          if (phase === 'build') {
            browserAtBuild = processesWith(tmp) !== '';
            writeFileSync(out, '');
          }
        },
      }),
    );
    await expect(run).rejects.toThrow(OutputError);
    await expect(run).rejects.toThrow(/cannot write the report to .*out-taken/);
    expect(browserAtBuild).toBe(true);
    // The print was stopped, not waited for: the PDF never finished.
    expect(phases).not.toContain('render:pdf');
    // Gone when the report's promise settles, not only when the process exits.
    expect(chromiumFolders(tmp)).toEqual([]);
    expect(await processesGone(tmp)).toBe('');
  });

  it('a browser still starting when another output fails is stopped, not waited for (it would have had 60 s to answer)', async () => {
    // A "browser" that never answers: Puppeteer waits for it until its launch limit.
    const browser = path.join(dir, 'never-answers.sh');
    writeFileSync(browser, '#!/bin/sh\nsleep 120\n');
    chmodSync(browser, 0o755);
    const blocker = path.join(dir, 'another-file');
    writeFileSync(blocker, '');
    const began = performance.now();
    const run = runReport(reportOptions({ formats: ['pdf', 'json'], outDir: path.join(blocker, 'out'), render: { paper: 'a4', browserPath: browser } }));
    await expect(run).rejects.toThrow(OutputError);
    expect(performance.now() - began).toBeLessThan(20_000);
    expect(await processesGone(browser)).toBe('');
    expect(chromiumFolders(tmp)).toEqual([]);
  });
});
