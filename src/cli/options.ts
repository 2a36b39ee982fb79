import { UsageError } from '../errors.js';
import { FORMAT_NAMES, type FormatName } from '../render/index.js';

/** `--format html,pdf` -> the formats, each once, in the order given. */
export function parseFormats(text: string): FormatName[] {
  const out: FormatName[] = [];
  for (const part of text.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean)) {
    if (!(FORMAT_NAMES as string[]).includes(part)) {
      throw new UsageError(`unknown format "${part}" in --format: use any of ${FORMAT_NAMES.join(',')}`);
    }
    if (!out.includes(part as FormatName)) out.push(part as FormatName);
  }
  if (out.length === 0) throw new UsageError(`--format is empty: use any of ${FORMAT_NAMES.join(',')}`);
  return out;
}

/**
 * The report's generation time: the flag, else SOURCE_DATE_EPOCH (the reproducible-builds
 * convention), else now. Seconds precision, ISO UTC.
 */
export function parseGeneratedAt(flag: string | undefined, env: NodeJS.ProcessEnv, now: Date): string {
  let ms: number;
  if (flag !== undefined) {
    ms = Date.parse(flag);
    if (Number.isNaN(ms)) throw new UsageError(`--generated-at "${flag}" is not an ISO date-time: use e.g. 2026-11-01T06:00:00Z`);
  } else if (env.SOURCE_DATE_EPOCH !== undefined && /^\d+$/.test(env.SOURCE_DATE_EPOCH)) {
    ms = Number(env.SOURCE_DATE_EPOCH) * 1000;
  } else {
    ms = now.getTime();
  }
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
