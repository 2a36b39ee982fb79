/**
 * A browser that is no working Chromium (`--browser /bin/true`, a script that exits 1 or never
 * answers), or one that fails while printing, is a render error (exit 4) that says what to do,
 * never an internal error; and it leaves no browser process or profile behind.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EXIT, RenderError } from '../../src/errors.js';
import { BrowserFailedError, findBrowser } from '../../src/render/browser.js';
import { printPdf, startPrinter } from '../../src/render/pdf.js';
import { runFastCli } from '../helpers/run-cli.js';
import { processesGone } from '../helpers/chromium.js';

let dir: string;
/** The temporary folder the browser's profile goes to (TMPDIR): nothing may be left in it. */
let tmp: string;
const savedTmpdir = process.env.TMPDIR;

async function script(name: string, body: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, `#!/bin/sh\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}


const print = (browserPath: string, extra: { timeoutMs?: number; launchTimeoutMs?: number } = {}, html = '<p>x</p>') =>
  printPdf(html, { browserPath, paper: 'a4', headerTemplate: '<span></span>', footerTemplate: '<span></span>', ...extra });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-pdf-failure-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  tmp = await mkdtemp(path.join(dir, 'tmp-'));
  process.env.TMPDIR = tmp;
});

afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
});

describe('printPdf with something that is not a working browser', () => {
  it.each([
    ['/bin/true', async () => '/bin/true'],
    ['a script that exits 1', () => script('exits-1', 'echo "not a browser" >&2\nexit 1')],
  ])('%s: a render error naming it and what to do', async (_name, make) => {
    const browserPath = await make();
    const err = await print(browserPath).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserFailedError);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).exitCode).toBe(EXIT.RENDER);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toBe(
      `the browser ${browserPath} did not start for the PDF (it exited before it answered): pass --browser the path of a working Chrome or Chromium, or install one with \`apt-get install chromium\` (Debian/Ubuntu)`,
    );
    expect(await readdir(tmp)).toEqual([]);
  });

  it('a program that never answers: stopped after the launch limit, killed, its profile removed', async () => {
    const browserPath = await script('never-answers', 'exec sleep 120');
    const started = Date.now();
    const err = await print(browserPath, { launchTimeoutMs: 1500 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toBeInstanceOf(BrowserFailedError);
    expect((err as Error).message).toMatch(/^the browser .*never-answers did not start for the PDF \(no answer within 1\.5 s\): pass --browser/);
    expect(await processesGone(tmp)).toBe('');
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe('a browser stopped while it starts, and the socket folders Chromium makes in TMPDIR', () => {
  /** A browser stopped before it made the link from its profile to its socket folder: a start that never ends. */
  const starting = () => script('never-starts.sh', 'sleep 30');

  it('removes the one new socket folder no process listens in (its own, made before the link)', async () => {
    const printer = await startPrinter({ browserPath: await starting() });
    await mkdir(path.join(tmp, 'org.chromium.Chromium.mine01'));
    await printer.close();
    expect(await readdir(tmp)).toEqual([]);
  });

  it("leaves another browser's alone: one with its socket open, or one of two new folders", async () => {
    const printer = await startPrinter({ browserPath: await starting() });
    const other = path.join(tmp, 'org.chromium.Chromium.other1');
    await mkdir(other);
    const server = net.createServer().listen(path.join(other, 'SingletonSocket'));
    await once(server, 'listening');
    try {
      await printer.close();
      expect(await readdir(tmp)).toEqual(['org.chromium.Chromium.other1']);
    } finally {
      server.close();
    }
    await rm(other, { recursive: true });
    const second = await startPrinter({ browserPath: await starting() });
    await mkdir(path.join(tmp, 'org.chromium.Chromium.one001'));
    await mkdir(path.join(tmp, 'org.chromium.Chromium.two001'));
    await second.close();
    expect((await readdir(tmp)).sort()).toEqual(['org.chromium.Chromium.one001', 'org.chromium.Chromium.two001']);
  });
});

describe('printPdf with a real Chromium that fails while printing', () => {
  it('a print that runs out of time is a render error, and Chromium and its folders are gone', async () => {
    const browserPath = await findBrowser({ env: process.env });
    // Enough rows that loading and printing them take far longer than the limit.
    const rows = Array.from({ length: 40_000 }, (_, i) => `<tr><td>${i}</td><td>${'row text '.repeat(8)}</td></tr>`).join('');
    const err = await print(browserPath, { timeoutMs: 300, launchTimeoutMs: 60_000 }, `<table>${rows}</table>`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserFailedError);
    expect((err as RenderError).exitCode).toBe(EXIT.RENDER);
    expect((err as Error).message).toMatch(
      new RegExp(`^the browser ${browserPath} failed while printing the PDF \\(.*\\): try another Chrome or Chromium with --browser \\(Debian/Ubuntu: \`apt-get install chromium\`\\), or leave pdf out of --format$`),
    );
    expect(await processesGone(tmp)).toBe('');
    expect(await readdir(tmp)).toEqual([]);
  });
});

describe('iot-audit report --browser <not a browser>', () => {
  it('exits 4 with one line, and writes nothing', async () => {
    const out = path.join(dir, 'out');
    const args = ['--source', 'fixtures/org-trail', '--accounts-file', 'fixtures/accounts.json', '--period', '2026-10', '--no-organization', '--threads', '0'];
    const run = await runFastCli([...args, '--format', 'json,pdf', '--browser', '/bin/true', '--out', out], { TMPDIR: tmp });
    expect(run.code).toBe(EXIT.RENDER);
    expect(run.stderr).toBe(
      'Error: the browser /bin/true did not start for the PDF (it exited before it answered): pass --browser the path of a working Chrome or Chromium, or install one with `apt-get install chromium` (Debian/Ubuntu)\n',
    );
    expect(await readdir(out).catch(() => [])).toEqual([]);
    // (tsx keeps its cache there too)
    expect((await readdir(tmp)).filter((name) => /chrom/i.test(name))).toEqual([]);
  });
});
