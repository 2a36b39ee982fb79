/**
 * One verdict for the log-integrity check, given by the model and shown by every output (2026-11-26
 * audit): for an account whose trail has no digests (`no-digests`: not checked, not failed), the
 * Markdown said "Integrity: FAILED, 2 problems (no-digests 2)" while the HTML and PDF said its events
 * were "neither known to be altered nor known to be intact", and the terminal "2 problems".
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { runCli } from '../helpers/run-cli.js';

const base = ['report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0'];
const verify = ['--verify', '--public-keys', 'fixtures/public-keys.json', '--format', 'html,json,md'];
const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `iot-audit-verdict-${name}-`));

/** The report's outputs of one run: the model, the Markdown's Integrity line, the HTML's badge, header row and sentences. */
function outputs(out: string) {
  const model = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8')) as ReportModel;
  const md = readFileSync(path.join(out, 'iot-audit-2026-10.md'), 'utf8');
  const html = parse(readFileSync(path.join(out, 'iot-audit-2026-10.html'), 'utf8'));
  const row = html.querySelectorAll('.completeness dt').find((d) => d.text === 'Integrity')?.nextElementSibling?.text;
  return {
    model,
    mdLine: md.split('\n').find((l) => l.includes('**Integrity')),
    badge: html.querySelector('#integrity .status-line .badge')?.text,
    row,
    boxes: html.querySelectorAll('#integrity .warn-box').map((b) => b.text),
  };
}

describe('report --verify: one verdict, from the model, in every output', () => {
  it('is incomplete, not failed, for an account whose trail has no digests: Markdown, HTML, terminal and --json alike', async () => {
    const out = tmp('no-digests');
    const run = await runCli([...base, ...verify, '--account', '271828182845', '--out', out]);
    expect(run.code).toBe(0);
    const { model, mdLine, badge, row, boxes } = outputs(out);
    expect(model.events.every((e) => e.integrity === 'no-digests')).toBe(true);
    expect(model.integrity).toMatchObject({ ok: false, verdict: 'incomplete', eventsUnchecked: 50 });
    expect(model.integrity!.chains.map((c) => c.status)).toEqual(['incomplete', 'incomplete']);
    // With the warning for a file of the late day (2026-11-01T11:05Z) that gave the report no record.
    expect(mdLine).toBe(
      '**Integrity: INCOMPLETE**, 2 problems (no-digests 2): nothing found altered, but not all could be checked; 0 of 50 events verified (**50 from log files that could not be checked**), 1 warning',
    );
    expect(badge).toBe('Incomplete');
    expect(row).toBe('incomplete: nothing found altered, but not all could be checked (see Log integrity)');
    expect(boxes.join(' ')).toContain('neither known to be altered nor known to be intact');
    expect(boxes.join(' ')).not.toContain('failed validation');
    expect(run.stdout).toContain('  integrity: incomplete, 2 problems: nothing found altered, but 50 events are from log files that could not be checked (2 account-regions checked)\n');
    const json = await runCli([...base, ...verify, '--account', '271828182845', '--out', tmp('no-digests-json'), '--json']);
    expect(JSON.parse(json.stdout).integrity).toMatchObject({ ok: false, verdict: 'incomplete', errors: 2, eventsUnchecked: 50 });
  }, 60_000);

  it('is failed where a chain is invalid (log files delivered after its last digest), and says so in every output', async () => {
    const out = tmp('failed');
    const run = await runCli([...base, ...verify, '--account', '314159265358', '--region', 'us-east-1', '--out', out]);
    // A report with --verify is written whatever the check found (only --fail-on gates it).
    expect(run.code, run.stderr).toBe(0);
    const { model, mdLine, badge, row, boxes } = outputs(out);
    expect(model.integrity).toMatchObject({ ok: false, verdict: 'failed' });
    // Of the log files no digest lists, one of the late day (2026-11-01T04:50Z) that gave the report no record is a warning.
    expect(mdLine).toBe(
      '**Integrity: FAILED**, 66 problems (log-file-not-covered 65, chain-gap 1); 13 of 107 events verified (**94 from log files no digest lists**), 1 warning',
    );
    expect(badge).toBe('Failed');
    expect(row).toBe('failed: problems found (see Log integrity)');
    expect(run.stdout).toContain('  integrity: FAILED, 66 problems (1 account-region checked)\n');
    // Files delivered after the chain's last digest: said as the README says it, not as files whose hash was wrong.
    expect(boxes).toEqual([expect.stringMatching(/ come from log files listed by no digest, in a trail that has digests: delivered after their chain's last digest \(validation stopped, or the digests after it were deleted\), or added/)]);
  }, 60_000);
});
