import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** The Chromium folders in `tmp`: its profile (`iot-audit-chromium-*`) and its socket's (`org.chromium.Chromium.*`). */
export const chromiumFolders = (tmp: string) => readdirSync(tmp).filter((name) => /chrom/i.test(name));

/** The processes whose command line holds `text` (Chromium's holds its profile's path). */
export function processesWith(text: string): string {
  try {
    return execFileSync('pgrep', ['-af', text], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

/**
 * `processesWith(text)` once none is left, or what is left after a second: a browser killed as
 * a run ends can still be seen for a few milliseconds while the kernel ends it (on a busy
 * machine, freeing a browser's memory takes that long).
 */
export async function processesGone(text: string): Promise<string> {
  const until = Date.now() + 1_000;
  for (;;) {
    const left = processesWith(text);
    if (left === '' || Date.now() >= until) return left;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
