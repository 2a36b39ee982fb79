/**
 * Where the Chromium for the PDF is. Called by the command layer (it reads the environment;
 * renderers never do) and handed to `renderPdf` as `ctx.browserPath`. No browser is ever
 * downloaded: the package depends on `puppeteer-core`, which has no install script.
 */
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RenderError, oneLine } from '../errors.js';
import { flatten } from './one-line.js';
import { compareText } from '../unicode.js';

/** No Chromium for the PDF: exit code RENDER, with the install command in the message. */
export class BrowserNotFoundError extends RenderError {}

/** The browser for the PDF did not start, or failed while printing: exit code RENDER, with what to do. */
export class BrowserFailedError extends RenderError {}

/** What a browser failure says about its cause: one line, without Puppeteer's troubleshooting link, cut short. */
function failureReason(error: unknown): string {
  return flatten(oneLine(error).replace(/\s*TROUBLESHOOTING: \S+/g, ''), 200);
}

/**
 * The browser at `browserPath` failed: it did not `start` (not a working Chrome or Chromium:
 * it exited, or never answered), or it failed while it was printing (`print`).
 */
export function browserFailed(browserPath: string, stage: 'start' | 'print', error: unknown): BrowserFailedError {
  const reason = failureReason(error);
  return new BrowserFailedError(
    stage === 'start'
      ? `the browser ${browserPath} did not start for the PDF (${reason}): pass --browser the path of a working Chrome or Chromium, ` +
          'or install one with `apt-get install chromium` (Debian/Ubuntu)'
      : `the browser ${browserPath} failed while printing the PDF (${reason}): try another Chrome or Chromium with --browser ` +
          '(Debian/Ubuntu: `apt-get install chromium`), or leave pdf out of --format',
  );
}

/** Distribution browsers, in the order they are tried. */
export const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/lib/chromium/chromium',
] as const;

export const INSTALL_HINT =
  'install one with `apt-get install chromium` (Debian/Ubuntu) or `npx puppeteer browsers install chrome-headless-shell`, ' +
  'or set PUPPETEER_EXECUTABLE_PATH to a Chrome/Chromium executable';

export interface FindBrowserOptions {
  /** A path the user gave explicitly (a command flag). */
  flag?: string;
  env: NodeJS.ProcessEnv;
  /** Replaces `SYSTEM_BROWSERS` (tests). */
  systemPaths?: readonly string[];
}

async function isExecutableFile(p: string): Promise<boolean> {
  try {
    const s = await stat(p);
    if (!s.isFile()) return false;
    await access(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** "131.0.6778.204" > "131.0.6778.85": numeric segment by segment. */
function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const CACHE_EXECUTABLES = ['chrome-headless-shell', 'chrome'];

/**
 * The newest browser `npx puppeteer browsers install` left in its cache:
 * `<cache>/<chrome|chrome-headless-shell>/<platform>-<version>/<folder>/<executable>`.
 */
async function fromPuppeteerCache(env: NodeJS.ProcessEnv): Promise<string | null> {
  const home = env.HOME ?? os.homedir();
  const cache = env.PUPPETEER_CACHE_DIR ?? path.join(home, '.cache', 'puppeteer');
  const found: { version: string; exe: string; shell: boolean }[] = [];
  for (const product of CACHE_EXECUTABLES) {
    const productDir = path.join(cache, product);
    let builds: string[];
    try {
      builds = await readdir(productDir);
    } catch {
      continue;
    }
    for (const build of builds) {
      const version = build.slice(build.indexOf('-') + 1);
      let inner: string[];
      try {
        inner = await readdir(path.join(productDir, build));
      } catch {
        continue;
      }
      for (const folder of inner) {
        const exe = path.join(productDir, build, folder, product);
        if (await isExecutableFile(exe)) found.push({ version, exe, shell: product === 'chrome-headless-shell' });
      }
    }
  }
  // Newest version first; at the same version the headless shell (made for printing).
  found.sort((a, b) => compareVersions(b.version, a.version) || Number(b.shell) - Number(a.shell) || compareText(a.exe, b.exe));
  return found[0]?.exe ?? null;
}

/**
 * The browser to print with: the explicit path, else `PUPPETEER_EXECUTABLE_PATH`, else the
 * distribution's Chromium/Chrome, else the newest one Puppeteer installed in its cache.
 * An explicit path (flag or variable) that is not an executable is an error, not skipped:
 * the user asked for that one.
 */
export async function findBrowser(options: FindBrowserOptions): Promise<string> {
  if (options.flag !== undefined && options.flag !== '') {
    if (await isExecutableFile(options.flag)) return options.flag;
    throw new BrowserNotFoundError(`browser not found or not executable: ${options.flag}; give the path of a Chrome/Chromium executable`);
  }
  const fromEnv = options.env.PUPPETEER_EXECUTABLE_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    if (await isExecutableFile(fromEnv)) return fromEnv;
    throw new BrowserNotFoundError(`PUPPETEER_EXECUTABLE_PATH=${fromEnv} is not an executable; fix or unset it, or ${INSTALL_HINT.replace(/, or set PUPPETEER.*$/, '')}`);
  }
  for (const p of options.systemPaths ?? SYSTEM_BROWSERS) {
    if (await isExecutableFile(p)) return p;
  }
  const cached = await fromPuppeteerCache(options.env);
  if (cached) return cached;
  throw new BrowserNotFoundError(`no Chrome or Chromium found for the PDF: ${INSTALL_HINT}`);
}
