import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync, mkdirSync, symlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/render/csv.js';
import { OutputError } from '../../src/errors.js';
import { baseName, periodSlug } from '../../src/output/names.js';
import { writeOutputs } from '../../src/output/writer.js';

describe('csvField (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
    [null, ''],
    [true, 'true'],
    [42, '42'],
  ])('%j -> %j', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('defuses spreadsheet formulas in log values', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+1')).toBe("'+1");
  });
});

describe('file names', () => {
  it('say what the report covers', () => {
    expect(periodSlug({ start: '', end: '', timeZone: 'UTC', month: '2026-10', label: '' })).toBe('2026-10');
    expect(baseName({ start: '2026-10-03T04:00:00Z', end: '2026-10-10T16:30:00Z', timeZone: 'UTC', month: null, label: '' })).toBe('iot-audit-20261003T0400Z-20261010T1630Z');
  });
});

describe('writeOutputs', () => {
  it('writes every file and a SHA256SUMS that sha256sum -c accepts, keeping other reports', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-out-'));
    await writeOutputs(dir, [{ name: 'iot-audit-2026-09.json', bytes: Buffer.from('{}') }]);
    const written = await writeOutputs(dir, [
      { name: 'iot-audit-2026-10.json', bytes: Buffer.from('{"a":1}') },
      { name: 'iot-audit-2026-10.csv', bytes: Buffer.from('x\r\n') },
    ]);
    expect(written.map((w) => w.name)).toEqual(['iot-audit-2026-10.json', 'iot-audit-2026-10.csv']);
    const sums = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.map((l) => l.split('  ')[1])).toEqual(['iot-audit-2026-09.json', 'iot-audit-2026-10.csv', 'iot-audit-2026-10.json']);
    expect(sums[2]).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862  iot-audit-2026-10.json');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    // Written again, a file gets the hash of its new content.
    await writeOutputs(dir, [{ name: 'iot-audit-2026-10.json', bytes: Buffer.from('{}') }]);
    const again = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(again).toEqual([sums[0], sums[1], sums[0]?.replace('iot-audit-2026-09.json', 'iot-audit-2026-10.json')]);
  });

  it("keeps other reports' SHA256SUMS lines as written: a file changed since stays flagged, a file gone loses its line", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-sums-'));
    await writeOutputs(dir, [
      { name: 'iot-audit-2026-09.json', bytes: Buffer.from('{"month":9}') },
      { name: 'iot-audit-2026-09.csv', bytes: Buffer.from('a\r\n') },
    ]);
    const before = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8');
    writeFileSync(path.join(dir, 'iot-audit-2026-09.json'), '{"month":9,"tampered":true}');
    rmSync(path.join(dir, 'iot-audit-2026-09.csv'));
    await writeOutputs(dir, [{ name: 'iot-audit-2026-10.json', bytes: Buffer.from('{}') }]);
    const after = readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(after.map((l) => l.split('  ')[1])).toEqual(['iot-audit-2026-09.json', 'iot-audit-2026-10.json']);
    expect(before).toContain(`${after[0]}\n`);
    const check = await new Promise<string>((resolve) => execFile('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir }, (_e, stdout) => resolve(stdout)));
    expect(check).toContain('iot-audit-2026-09.json: FAILED');
    expect(check).toContain('iot-audit-2026-10.json: OK');
  });

  it('writes text given in pieces, hashing what it writes, byte for byte as the joined text', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-pieces-'));
    const pieces = Array.from({ length: 5000 }, (_, i) => `{"n":${i},"s":"é ${'x'.repeat(i % 700)}"}\n`);
    const [w] = await writeOutputs(dir, [{ name: 'p.json', bytes: pieces.values() }]);
    const joined = Buffer.from(pieces.join(''), 'utf8');
    expect(readFileSync(path.join(dir, 'p.json')).equals(joined)).toBe(true);
    expect(w.bytes).toBe(joined.length);
    expect(readFileSync(path.join(dir, 'SHA256SUMS'), 'utf8')).toContain(`${w.sha256}  p.json`);
  });

  it('writes pieces across block edges and pieces larger than a block, in order', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-blocks-'));
    const big = `${'€'.repeat(700_000)}end`;
    const pieces = ['start ', ...Array.from({ length: 3000 }, (_, i) => `${i} ${'日本'.repeat(i % 300)}\n`), big, 'é', big, ''];
    const [w] = await writeOutputs(dir, [{ name: 'b.html', bytes: pieces.values() }]);
    const joined = Buffer.from(pieces.join(''), 'utf8');
    expect(joined.length).toBeGreaterThan(4 << 20);
    expect(readFileSync(path.join(dir, 'b.html')).equals(joined)).toBe(true);
    expect(w.bytes).toBe(joined.length);
    expect(w.sha256).toBe(createHash('sha256').update(joined).digest('hex'));
  });

  it('passes on an error of the content being written as it is, leaving nothing behind', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-fail-'));
    class RendererFailure extends Error {}
    function* pieces() {
      yield 'x'.repeat(2 << 20);
      throw new RendererFailure('a template failed');
    }
    const err = await writeOutputs(dir, [{ name: 'a.html', bytes: pieces() }]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RendererFailure);
    expect(err).not.toBeInstanceOf(OutputError);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the folders it made for --out when the report is not written, and only those', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-made-'));
    function* failing() {
      yield 'x';
      throw new Error('a template failed');
    }
    await expect(writeOutputs(path.join(dir, 'nest', 'a', 'b'), [{ name: 'a.html', bytes: failing() }])).rejects.toThrow('a template failed');
    expect(readdirSync(dir)).toEqual([]);
    // A folder that was there stays, with what another run put in it.
    mkdirSync(path.join(dir, 'there'));
    writeFileSync(path.join(dir, 'there', 'other.txt'), 'kept');
    await expect(writeOutputs(path.join(dir, 'there', 'new'), [{ name: 'a.html', bytes: failing() }])).rejects.toThrow('a template failed');
    expect(readdirSync(dir)).toEqual(['there']);
    expect(readdirSync(path.join(dir, 'there'))).toEqual(['other.txt']);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!existsSync('/proc/self'))('fails (exit 5) on an --out under /proc, where Node\'s recursive mkdir never settles', async () => {
    const started = Date.now();
    const error = await writeOutputs('/proc/iot-audit-no-such/out', [{ name: 'a.json', bytes: Buffer.from('{}') }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OutputError);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('removes the temporary files (and kept earlier files) of runs killed outright, once they are an hour old, and nothing else', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-left-'));
    // Past the largest process id Linux gives (2^22): that process is gone.
    const gone = 4_194_399;
    const hoursAgo = (name: string, hours: number) => {
      writeFileSync(path.join(dir, name), 'partial');
      const t = new Date(Date.now() - hours * 3_600_000);
      utimesSync(path.join(dir, name), t, t);
    };
    hoursAgo(`.iot-audit-2026-09.json.${gone}-0a1b2c3d.tmp`, 5); // killed: removed
    hoursAgo(`.SHA256SUMS.${gone}-0a1b2c3d.tmp`, 5); // killed: removed
    hoursAgo(`.iot-audit-2026-09.csv.${gone}-0a1b2c3d.old`, 5); // an earlier file kept while replacing it, killed mid-commit: removed
    hoursAgo(`.iot-audit-2026-09.md.${gone}-99887766.old`, 0.25); // too recent: kept
    hoursAgo(`.iot-audit-2026-09.pdf.${gone}-99887766.tmp`, 0.25); // too recent: a run elsewhere may still be writing it
    hoursAgo(`.iot-audit-2026-09.html.${process.ppid}-0a1b2c3d.tmp`, 5); // its process runs: kept
    hoursAgo(`.notes.txt.tmp`, 5); // not a session's: kept
    hoursAgo(`iot-audit-2026-09.json.${gone}-0a1b2c3d.tmp`, 5); // not hidden, not a session's name: kept
    await writeOutputs(dir, [{ name: 'iot-audit-2026-10.json', bytes: Buffer.from('{}') }]);
    expect(readdirSync(dir).sort()).toEqual(
      [
        `.iot-audit-2026-09.html.${process.ppid}-0a1b2c3d.tmp`,
        `.iot-audit-2026-09.pdf.${gone}-99887766.tmp`,
        `.iot-audit-2026-09.md.${gone}-99887766.old`,
        '.notes.txt.tmp',
        'SHA256SUMS',
        'iot-audit-2026-10.json',
        `iot-audit-2026-09.json.${gone}-0a1b2c3d.tmp`,
      ].sort(),
    );
  });

  it('reads `..` after a symbolic link in --out by the text, as the check before the read does: link/../x is ./x', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-dotdot-'));
    mkdirSync(path.join(parent, 'far', 'away'), { recursive: true });
    symlinkSync(path.join(parent, 'far', 'away'), path.join(parent, 'link'));
    const written = await writeOutputs(path.join(parent, 'link') + '/../x', [{ name: 'a.json', bytes: Buffer.from('{}') }]);
    expect(written.map((w) => w.path)).toEqual([path.join(parent, 'x', 'a.json')]);
    expect(readdirSync(path.join(parent, 'x')).sort()).toEqual(['SHA256SUMS', 'a.json']);
    expect(readdirSync(path.join(parent, 'far'))).toEqual(['away']);
    rmSync(parent, { recursive: true, force: true });
  });

  it('leaves nothing behind and says what to do when the folder cannot be written', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'iot-audit-ro-'));
    const blocked = path.join(parent, 'file');
    writeFileSync(blocked, 'not a folder');
    await expect(writeOutputs(path.join(blocked, 'out'), [{ name: 'a.json', bytes: Buffer.from('{}') }])).rejects.toThrow(OutputError);
    await expect(writeOutputs(path.join(blocked, 'out'), [{ name: 'a.json', bytes: Buffer.from('{}') }])).rejects.toThrow(/choose a writable folder with --out/);
    if (process.getuid?.() !== 0) {
      const ro = path.join(parent, 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o500);
      await expect(writeOutputs(ro, [{ name: 'a.json', bytes: Buffer.from('{}') }])).rejects.toThrow(OutputError);
    }
  });
});
