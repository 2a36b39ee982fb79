import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserFailedError, BrowserNotFoundError, browserFailed, findBrowser } from '../../src/render/browser.js';

describe('findBrowser', () => {
  let dir: string;
  const exe = async (p: string, mode = 0o755): Promise<string> => {
    const full = path.join(dir, p);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, '#!/bin/sh\n');
    await chmod(full, mode);
    return full;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-browser-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the explicit path first, then PUPPETEER_EXECUTABLE_PATH, then the system list in order', async () => {
    const flag = await exe('flag/chrome');
    const fromEnv = await exe('env/chrome');
    const sys1 = await exe('usr/bin/chromium');
    const sys2 = await exe('usr/bin/google-chrome');
    const missing = path.join(dir, 'usr/bin/chromium-browser');
    const env = { HOME: path.join(dir, 'home'), PUPPETEER_EXECUTABLE_PATH: fromEnv };
    expect(await findBrowser({ flag, env, systemPaths: [sys1] })).toBe(flag);
    expect(await findBrowser({ env, systemPaths: [sys1] })).toBe(fromEnv);
    expect(await findBrowser({ env: { HOME: env.HOME }, systemPaths: [missing, sys2, sys1] })).toBe(sys2);
    expect(await findBrowser({ flag: '', env: { HOME: env.HOME, PUPPETEER_EXECUTABLE_PATH: '' }, systemPaths: [sys1] })).toBe(sys1);
  });

  it('refuses an explicit path that is not an executable instead of quietly using another browser', async () => {
    const notExecutable = await exe('plain/chrome', 0o644);
    const sys = await exe('usr/bin/chromium');
    await expect(findBrowser({ flag: notExecutable, env: {}, systemPaths: [sys] })).rejects.toThrow(BrowserNotFoundError);
    await expect(findBrowser({ flag: dir, env: {}, systemPaths: [sys] })).rejects.toThrow(/not found or not executable/);
    await expect(findBrowser({ env: { PUPPETEER_EXECUTABLE_PATH: path.join(dir, 'nope') }, systemPaths: [sys] })).rejects.toThrow(
      /^PUPPETEER_EXECUTABLE_PATH=.*nope is not an executable; fix or unset it, or install one with `apt-get install chromium`/,
    );
  });

  it("falls back to the newest browser in Puppeteer's cache, the headless shell at equal versions", async () => {
    const home = path.join(dir, 'cache-home');
    const env = { HOME: home };
    const cache = path.join(home, '.cache', 'puppeteer');
    await exe(path.relative(dir, path.join(cache, 'chrome/linux-131.0.6778.85/chrome-linux64/chrome')));
    const newest = await exe(path.relative(dir, path.join(cache, 'chrome/linux-131.0.6778.204/chrome-linux64/chrome')));
    expect(await findBrowser({ env, systemPaths: [] })).toBe(newest);
    const shell = await exe(path.relative(dir, path.join(cache, 'chrome-headless-shell/linux-131.0.6778.204/chrome-headless-shell-linux64/chrome-headless-shell')));
    expect(await findBrowser({ env, systemPaths: [] })).toBe(shell);
    const other = path.join(dir, 'other-cache');
    const custom = await exe(path.relative(dir, path.join(other, 'chrome/linux-99.0.1/chrome-linux64/chrome')));
    expect(await findBrowser({ env: { HOME: home, PUPPETEER_CACHE_DIR: other }, systemPaths: [] })).toBe(custom);
  });

  it('says how to install one when there is none', async () => {
    const err = await findBrowser({ env: { HOME: path.join(dir, 'empty-home') }, systemPaths: [path.join(dir, 'none')] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrowserNotFoundError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain('apt-get install chromium');
    expect(message).toContain('npx puppeteer browsers install chrome-headless-shell');
    expect(message).toContain('PUPPETEER_EXECUTABLE_PATH');
  });
});

describe('browserFailed', () => {
  const advice = 'pass --browser the path of a working Chrome or Chromium, or install one with `apt-get install chromium` (Debian/Ubuntu)';

  it("says why on one line, without Puppeteer's troubleshooting link", () => {
    const error = new Error(
      'Failed to launch the browser process!\n  [0101/000000.000:ERROR:zygote_host_impl_linux.cc(100)] No usable sandbox!\r\n\n\nTROUBLESHOOTING: https://pptr.dev/troubleshooting\n',
    );
    const failed = browserFailed('/usr/bin/chromium', 'start', error);
    expect(failed).toBeInstanceOf(BrowserFailedError);
    expect(failed.message).toBe(
      `the browser /usr/bin/chromium did not start for the PDF (Failed to launch the browser process! [0101/000000.000:ERROR:zygote_host_impl_linux.cc(100)] No usable sandbox!): ${advice}`,
    );
  });

  it("shows a browser's control characters (tabs, colours) as spaces, and cuts a long reason at 200 characters", () => {
    expect(browserFailed('/b', 'start', new Error('\u001b[31mcrashed\u001b[0m\tsignal 11')).message).toBe(`the browser /b did not start for the PDF ([31mcrashed [0m signal 11): ${advice}`);
    const reason = `${'x'.repeat(199)}yz`;
    expect(browserFailed('/b', 'print', new Error(reason)).message).toMatch(new RegExp(`^the browser /b failed while printing the PDF \\(${'x'.repeat(199)}…\\): try another`));
    expect(browserFailed('/b', 'print', new Error(reason.slice(0, 200))).message).toContain(`(${reason.slice(0, 200)}):`);
  });
});
