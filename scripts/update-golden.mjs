// Regenerates test/golden/report.json: the report JSON of the fixtures, made by the
// built CLI with the arguments in test/golden/args.json. Review the diff, then commit.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = JSON.parse(readFileSync(path.join(root, 'test/golden/args.json'), 'utf8'));
const out = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-golden-'));
execFileSync(process.execPath, ['bin/run.js', ...args, '--out', out], { cwd: root, stdio: 'inherit', env: { ...process.env, CI: 'true' } });
copyFileSync(path.join(out, 'iot-audit-2026-10.json'), path.join(root, 'test/golden/report.json'));
console.log('updated test/golden/report.json');
