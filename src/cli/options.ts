import { canonicalTime } from '../cloudtrail/normalize.js';
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

/** A day, `YYYY-MM-DD`: its midnight UTC. */
const DAY = /^\d{4}-\d\d-\d\d$/;
/** What the flag must end with: its offset (`Z`, `+02:00`, `+0200`); `canonicalTime` alone would read none as UTC. */
const WITH_OFFSET = /^\d{4}-\d\d-\d\d[Tt]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:[Zz]|[+-]\d\d:?\d\d)$/;
/** Seconds since 1970-01-01 UTC of 9999-12-31T23:59:59Z: later times have no four-digit year. */
const MAX_EPOCH_SECONDS = 253_402_300_799;

/**
 * The instant `text` names (ms), or null unless it is an ISO 8601 date-time with `Z` or an offset, or
 * a day (midnight UTC), on the calendar: the records' own reading (`canonicalTime`), with the offset
 * required. Nothing is read in the machine's time zone, and nothing else is guessed (`Date.parse`
 * takes "12" or "March 7").
 */
function isoInstant(text: string): number | null {
  const full = DAY.test(text) ? `${text}T00:00:00Z` : text;
  if (!WITH_OFFSET.test(full)) return null;
  const iso = canonicalTime(full.replace('t', 'T').replace('z', 'Z'));
  return iso === null ? null : Date.parse(iso);
}

/**
 * The report's generation time: the flag, else SOURCE_DATE_EPOCH (the reproducible-builds
 * convention: seconds since 1970-01-01 UTC), else now. Seconds precision, ISO UTC. The same
 * command gives the same time on every machine: the flag must carry its offset (or be a day,
 * read as UTC), and a SOURCE_DATE_EPOCH that is not a whole number of seconds is an error, not ignored.
 */
export function parseGeneratedAt(flag: string | undefined, env: NodeJS.ProcessEnv, now: Date): string {
  let ms: number;
  if (flag !== undefined) {
    const at = isoInstant(flag.trim());
    if (at === null) {
      throw new UsageError(
        `--generated-at ${JSON.stringify(flag)} is not an ISO 8601 date-time with Z or an offset: use e.g. 2026-11-01T06:00:00Z or 2026-11-01T07:00:00+01:00 (or a day, 2026-11-01, meaning 00:00 UTC)`,
      );
    }
    if (at < 0 || at >= (MAX_EPOCH_SECONDS + 1) * 1000) throw new UsageError(`--generated-at ${JSON.stringify(flag)} is out of range: give a time from 1970 to 9999`);
    ms = at;
  } else if (env.SOURCE_DATE_EPOCH !== undefined) {
    const text = env.SOURCE_DATE_EPOCH;
    if (!/^\d{1,12}$/.test(text) || Number(text) > MAX_EPOCH_SECONDS) {
      throw new UsageError(
        `SOURCE_DATE_EPOCH ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} is not a number of seconds since 1970-01-01 UTC: set it to a whole number (e.g. 1793512800) or unset it`,
      );
    }
    ms = Number(text) * 1000;
  } else {
    ms = now.getTime();
  }
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
