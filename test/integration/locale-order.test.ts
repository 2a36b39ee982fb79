/**
 * The same logs give the same bytes on every machine, whatever its locale: integrity problems
 * were sorted with `localeCompare`, which follows `LANG` (Turkish dotless i, Danish "aa" after
 * "z"), so a CI machine in another locale wrote another JSON (2026-11-26 review). Run as users
 * run it (the build), under three locales.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigestTree, generateRsaKeyPair, type DigestTree } from '../helpers/digest-tree.js';
import { runCli } from '../helpers/run-cli.js';

const A1 = '111111111111';
const LOCALES = ['C.UTF-8', 'tr_TR.UTF-8', 'da_DK.UTF-8'];
let dir: string;
let tree: DigestTree;
let keysFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'locale-order-'));
  tree = buildDigestTree({ root: path.join(dir, 'bucket'), keyPair: generateRsaKeyPair(), accounts: [A1], regions: ['eu-west-1'], hours: 30, sidecars: true });
  keysFile = path.join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify(tree.publicKeyList));
  // Four files no digest lists, whose names the three locales order three ways.
  const model = tree.logsOf(A1, 'eu-west-1').find((l) => l.key.includes('/2026/10/01/'))!;
  for (const suffix of ['xIbcdefghijklmno', 'xiacdefghijklmno', 'Aabcdefghijklmno', 'Abbcdefghijklmno']) {
    copyFileSync(tree.file(model.key), tree.file(model.key.replace(/_[A-Za-z0-9]{16}\.json\.gz$/, `_${suffix}.json.gz`)));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('outputs in any locale', () => {
  it('verify --json prints the same bytes under C, Turkish and Danish locales, problems in code-unit order', async () => {
    const runs = await Promise.all(
      LOCALES.map((lang) => runCli(['verify', '--source', tree.root, '--from', '2026-10-01', '--to', '2026-10-02', '--public-keys', keysFile, '--json'], { LANG: lang, LC_ALL: lang })),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(1);
    const keys = (JSON.parse(runs[0]!.stdout) as { problems: { kind: string; key: string }[] }).problems.filter((p) => p.kind === 'log-file-not-covered').map((p) => p.key.slice(-24, -8));
    expect(keys).toEqual(['Aabcdefghijklmno', 'Abbcdefghijklmno', 'xIbcdefghijklmno', 'xiacdefghijklmno']);
    expect(runs[1]!.stdout).toBe(runs[0]!.stdout);
    expect(runs[2]!.stdout).toBe(runs[0]!.stdout);
  }, 60_000);
});
