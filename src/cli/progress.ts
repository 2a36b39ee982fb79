/**
 * A one-line progress display on stderr for long runs. Off when stderr is not a
 * terminal, under CI, or with --json: only a person watching wants it.
 */
export interface Progress {
  update(line: string): void;
  done(): void;
}

export function progressFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv, json: boolean): Progress {
  const enabled = stream.isTTY === true && !env.CI && !json;
  if (!enabled) return { update: () => {}, done: () => {} };
  let last = 0;
  let shown = false;
  return {
    update(line: string) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const width = stream.columns ?? 100;
      stream.write(`\r${line.slice(0, width - 1).padEnd(Math.min(width - 1, line.length + 10))}`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
      shown = false;
    },
  };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}
