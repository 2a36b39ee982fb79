/**
 * The names of digest and log objects (FORMATS.md sections 1 and 4). Everything
 * here reads keys that may come from a hostile bucket or digest: no match, no value.
 */
import { REGION_TEXT } from '../cloudtrail/layout.js';
import { compareText } from '../unicode.js';

/** What a digest file's name says. */
export interface DigestName {
  accountId: string;
  /** Region the digest covers (its folder). */
  region: string;
  /** Trail name: may contain `_`, so it is what is left once the ends are taken off. */
  trailName: string;
  /** Trail's home region. */
  homeRegion: string;
  /** `digestEndTime` as the name gives it, epoch milliseconds. */
  endTime: number;
  /** A backfill digest (`..._backfill.json.gz`): lists log files an hourly digest missed. */
  backfill: boolean;
}

/**
 * `<acct>_CloudTrail-Digest_<region>_<trailName>_<homeRegion>_<YYYYMMDDTHHMMSSZ>[_backfill].json.gz`;
 * a local copy may hold it gunzipped without `.gz`.
 */
const DIGEST_NAME = new RegExp(
  `^(\\d{12})_CloudTrail-Digest_(${REGION_TEXT})_(.+)_(${REGION_TEXT})_(\\d{8}T\\d{6}Z)(_backfill)?\\.json(?:\\.gz)?$`,
);
/** `<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<suffix>.json.gz` (or `.json` gunzipped). */
const LOG_NAME = new RegExp(`^(\\d{12})_CloudTrail_(${REGION_TEXT})_(\\d{8}T\\d{4}Z)_[A-Za-z0-9]+\\.json(?:\\.gz)?$`);

export function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** `YYYYMMDDTHHMM[SS]Z` to epoch ms, or NaN. */
export function parseCompactTime(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
  if (!m) return Number.NaN;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '00'].map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  // Rejects 20261332T...: Date.UTC rolls invalid fields over instead of failing.
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day || back.getUTCHours() !== hour || back.getUTCMinutes() !== minute) {
    return Number.NaN;
  }
  return ms;
}

export function parseDigestName(key: string): DigestName | null {
  const m = DIGEST_NAME.exec(baseName(key));
  if (!m) return null;
  const endTime = parseCompactTime(m[5]);
  if (Number.isNaN(endTime)) return null;
  return { accountId: m[1], region: m[2], trailName: m[3], homeRegion: m[4], endTime, backfill: m[6] !== undefined };
}

/**
 * A trail as the checks key its chain: `<trailName>_<homeRegion>`, as a digest's name gives both,
 * so two trails of one name in two home regions are two chains. Never shown as a trail's name
 * (`trailOfKey` splits it back): a trail's name may itself contain `_`.
 */
export function trailKey(name: Pick<DigestName, 'trailName' | 'homeRegion'>): string {
  return `${name.trailName}_${name.homeRegion}`;
}

/** The trail name and home region of a `trailKey`: a region never contains `_`, so the home region is what follows the last one. */
export function trailOfKey(key: string): { trailName: string; homeRegion: string } {
  const cut = key.lastIndexOf('_');
  return { trailName: key.slice(0, cut), homeRegion: key.slice(cut + 1) };
}

/**
 * The trails of some `trailKey`s as a chain's row gives them: their names (once each, sorted), and
 * each trail with its home region (sorted by name, then home region).
 */
export function trailsOfKeys(keys: Iterable<string>): { trails: string[]; trailHomeRegions: { trail: string; homeRegion: string }[] } {
  const found = [...new Set(keys)].map(trailOfKey).sort((a, b) => compareText(a.trailName, b.trailName) || compareText(a.homeRegion, b.homeRegion));
  return {
    trails: [...new Set(found.map((t) => t.trailName))],
    trailHomeRegions: found.map(({ trailName, homeRegion }) => ({ trail: trailName, homeRegion })),
  };
}

/** How a message names the trail of a `trailKey`: `org_trail (home region us-east-1)`. */
export function trailLabel(key: string): string {
  const { trailName, homeRegion } = trailOfKey(key);
  return `${trailName} (home region ${homeRegion})`;
}

/** Delivery time a log file's name gives (minute precision), epoch ms; null when the name does not follow the layout. */
export function logFileNameTime(key: string): number | null {
  const m = LOG_NAME.exec(baseName(key));
  if (!m) return null;
  const time = parseCompactTime(m[3]);
  return Number.isNaN(time) ? null : time;
}

/** A local copy may hold `x.json.gz` gunzipped as `x.json`: both names are one file. */
export function withoutGz(key: string): string {
  return key.endsWith('.json.gz') ? key.slice(0, -3) : key;
}

/**
 * Whether a key found in a store is the key CloudTrail recorded. On S3 the keys must
 * be equal. A local folder may be a copy of the bucket (same keys), of a folder
 * inside it (found key is a tail of the recorded one) or of a folder above it
 * (recorded key is a tail of the found one), and may hold the file gunzipped.
 */
export function sameObject(foundKey: string, recordedKey: string, kind: 'local' | 's3'): boolean {
  if (kind === 's3') return foundKey === recordedKey;
  const found = withoutGz(foundKey);
  const recorded = withoutGz(recordedKey);
  return found === recorded || recorded.endsWith(`/${found}`) || found.endsWith(`/${recorded}`);
}

/**
 * The store key of an object CloudTrail recorded as `recordedKey`, given one object
 * (`anchorFound`, recorded as `anchorRecorded`) whose place in the store is known:
 * the same prefix is taken off or put on. Null when the anchor does not relate the two.
 */
export function storeKeyFor(recordedKey: string, anchorFound: string, anchorRecorded: string): string | null {
  const found = withoutGz(anchorFound);
  const recorded = withoutGz(anchorRecorded);
  if (found === recorded) return recordedKey;
  if (recorded.endsWith(`/${found}`)) {
    const strip = recorded.slice(0, recorded.length - found.length);
    return recordedKey.startsWith(strip) ? recordedKey.slice(strip.length) : null;
  }
  if (found.endsWith(`/${recorded}`)) return found.slice(0, found.length - recorded.length) + recordedKey;
  return null;
}

/**
 * A key read from a digest, safe to hand to a store: relative, `/`-separated, no
 * `.`/`..` segments, no control characters. A hostile digest cannot reach outside
 * a local folder with it.
 */
export function isSafeKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024 || key.startsWith('/') || key.includes('\\')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return false;
  return key.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** `YYYY/MM/DD/` of a UTC day given as epoch ms. */
export function dayPath(ms: number): string {
  const d = new Date(ms);
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${d.getUTCFullYear()}/${mm}/${dd}/`;
}

const DAY_MS = 86_400_000;

/**
 * How far past the period the first digest of a trail is looked for day by day, when none is found
 * around it or its chain ends before it (verify.ts); past these days, `SEEK_DAYS`.
 */
export const LOOK_AHEAD_DAYS = 15;

/**
 * How far past the period the next digest of a trail is sought at most (verify.ts,
 * `seekPastLookAhead`), when none is found within `LOOK_AHEAD_DAYS`: 400 days, so that a check of
 * any day of a year, run up to a month after the year ends, still looks up to now. The look costs
 * listings in proportion to its reach where another trail writes the digest folder (a trail
 * replaced just before the period); past this bound a stop is not proven, which the result's
 * notes say. The public keys fetched from CloudTrail reach up to now (aws-keys.ts), so the key of
 * a digest found is known.
 */
export const SEEK_DAYS = 400;

/** The UTC days (as epoch ms of their midnight) from the day of `fromMs` through the day of `toMs`. */
export function utcDays(fromMs: number, toMs: number): number[] {
  const days: number[] = [];
  for (let d = Math.floor(fromMs / DAY_MS) * DAY_MS; d <= toMs; d += DAY_MS) days.push(d);
  return days;
}

export { DAY_MS };
