/**
 * The accounts of a report that the organization's list (or the accounts file) does not have, said
 * the same way by every output (review, 2026-11-26): the Markdown counted "1 account of the
 * organization + 2 not in it" (an account with logs and a mistyped `--account` with none), while the
 * HTML's Coverage listed only "Accounts with logs but not in the organization's list" (the first)
 * and the terminal said nothing. One model field (`coverage.accountsNotInOrganization`: the
 * accounts covered that no list has, with or without logs) and one wording, "not in the
 * organization's list", now in each.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportModel } from '../../src/report/model.js';
import { runBin, type CliRun } from '../helpers/run-cli.js';

const PROD = '314159265358';
/** (a) Delivered logs, in no account list (the fixture organization's stray account). */
const STRAY = '577215664901';
/** (b) Asked for with --account: no logs, in no list (a mistyped id). */
const MISTYPED = '999999999999';

describe('accounts not in the organization’s list: one count and one wording in every output', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-not-in-org-'));
  let run: CliRun;
  let html: ReturnType<typeof parse>;
  let md: string;
  let json: ReportModel;

  beforeAll(async () => {
    run = await runBin([
      'report', '--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0',
      '--account', PROD, '--account', STRAY, '--account', MISTYPED, '--format', 'html,md,json', '--out', out,
    ]);
    html = parse(readFileSync(path.join(out, 'iot-audit-2026-10.html'), 'utf8'));
    md = readFileSync(path.join(out, 'iot-audit-2026-10.md'), 'utf8');
    json = JSON.parse(readFileSync(path.join(out, 'iot-audit-2026-10.json'), 'utf8')) as ReportModel;
  }, 120_000);

  it('the model lists both, and counts them among the accounts covered', () => {
    expect(run.code).toBe(0);
    expect(json.coverage.accountsNotInOrganization).toEqual([STRAY, MISTYPED].sort());
    expect(json.coverage.accountsCovered).toEqual({ total: 3, notInOrganization: 2 });
    expect(json.coverage.accountsWithoutLogs).toEqual([MISTYPED]);
  });

  it('the HTML names both in Coverage and counts them in the header, as the Markdown and the terminal count them', () => {
    const section = html.querySelector('#coverage')!;
    const heading = section.querySelectorAll('h3').find((h) => h.text === "Accounts not in the organization's list");
    expect(heading).toBeDefined();
    const rows = heading!.nextElementSibling!.querySelectorAll('tbody tr').map((tr) => tr.querySelectorAll('td').map((td) => td.text.trim()));
    expect(rows).toEqual([
      [STRAY, 'logs read'],
      [MISTYPED, 'no logs (asked for with --account)'],
    ]);
    const completeness = html.querySelectorAll('.completeness dt').map((dt) => [dt.text, dt.nextElementSibling?.text]);
    expect(completeness).toContainEqual(["Accounts not in the organization's list", '2 (see Coverage)']);
    expect(md).toContain(", 3 accounts (2 not in the organization's list), ");
    expect(run.stdout).toContain(", 2 not in the organization's list");
    // One wording: the Markdown's former one is gone.
    expect(md).not.toContain('not in it');
  });
});
