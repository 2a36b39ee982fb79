import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDigestTree, deleteObject, generateRsaKeyPair, rewriteLog, type DigestTree } from '../helpers/digest-tree.js';
import { runCli } from '../helpers/run-cli.js';

const runVerify = (args: string[]) => runCli(['verify', ...args]);

let dir: string;
let tree: DigestTree;
let keysFile: string;
const PERIOD = ['--from', '2026-10-01', '--to', '2026-10-02'];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'verify-cmd-'));
  tree = buildDigestTree({ root: path.join(dir, 'bucket'), keyPair: generateRsaKeyPair(), sidecars: true });
  keysFile = path.join(dir, 'keys.json');
  writeFileSync(keysFile, JSON.stringify(tree.publicKeyList));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('iot-audit verify', () => {
  it('prints a table per account and region and exits 0 on a clean tree', async () => {
    const { code, stdout } = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', keysFile]);
    expect(code).toBe(0);
    expect(stdout).toContain(': OK');
    expect(stdout).toMatch(/111111111111\s+eu-west-1\s+25\s+0\s+0\s+0\s+\d+\s+0\s+0\s+0\s+0\s+valid/);
    expect(stdout.match(/\svalid$/gm)).toHaveLength(4);
  });

  it('exits 1 and gives the full result with --json when a digest is missing', async () => {
    const gone = tree.digestsOf('222222222222', 'us-east-1').find((d) => d.hour === 10)!;
    deleteObject(tree, gone.key);
    const { code, stdout } = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', keysFile, '--account', '222222222222', '--json']);
    expect(code).toBe(1);
    const json = JSON.parse(stdout) as { ok: boolean; problems: { kind: string; key: string }[]; chains: unknown[]; logFiles: Record<string, string>; period: { start: string } };
    expect(json.ok).toBe(false);
    expect(json.period.start).toBe('2026-10-01T00:00:00Z');
    expect(json.chains).toHaveLength(2);
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'digest-missing', key: gone.key })]);
    expect(json.logFiles[gone.logKeys[0]]).toBe('unverified');
  });

  it('hashes the log files on worker threads (the default) or on the main thread (--threads 0) alike', async () => {
    const log = tree.logsOf('111111111111', 'us-east-1').find((l) => l.hour === 6)!;
    rewriteLog(tree, log.key, (content) => {
      content.Records[0].eventName = 'DeleteCertificate';
    });
    const args = ['--source', tree.root, ...PERIOD, '--public-keys', keysFile, '--account', '111111111111', '--json'];
    const [workers, main] = await Promise.all([runVerify(args), runVerify([...args, '--threads', '0'])]);
    expect([workers.code, main.code]).toEqual([1, 1]);
    const json = JSON.parse(workers.stdout) as { problems: { kind: string; key: string }[] };
    expect(json.problems).toEqual([expect.objectContaining({ kind: 'log-file-modified', key: log.key })]);
    expect(workers.stdout).toBe(main.stdout);
  });

  it('exits 2 with a JSON error for a public keys file that is not one', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '[1]');
    const { code, stdout } = await runVerify(['--source', tree.root, ...PERIOD, '--public-keys', bad, '--json']);
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: { name: 'UsageError', message: 'public keys file: entry 0 is not an object', exitCode: 2 } });
  });
});
