import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { UsageError, oneLine } from '../errors.js';

/** One CloudTrail public key, as `ListPublicKeys` gives it. */
export interface PublicKeyEntry {
  /** `Fingerprint`: what a digest's `digestPublicKeyFingerprint` names. */
  fingerprint: string;
  /** DER bytes: a bare PKCS#1 RSAPublicKey or a SubjectPublicKeyInfo. */
  value: Buffer;
  validityStart: string | null;
  validityEnd: string | null;
}

/** Public keys ready for checking signatures, and the entries that could not be used. */
export interface PublicKeyIndex {
  keys: Map<string, KeyObject>;
  rejected: string[];
}

/** Reads DER as PKCS#1 first (what CloudTrail returns), then as SubjectPublicKeyInfo. */
export function importPublicKey(der: Buffer): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: der, format: 'der', type: 'pkcs1' });
  } catch {
    key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new Error(`not an RSA key (${key.asymmetricKeyType ?? 'unknown type'})`);
  return key;
}

export function indexPublicKeys(entries: readonly PublicKeyEntry[]): PublicKeyIndex {
  const keys = new Map<string, KeyObject>();
  const rejected: string[] = [];
  for (const entry of entries) {
    try {
      keys.set(entry.fingerprint, importPublicKey(entry.value));
    } catch (error) {
      rejected.push(`public key ${entry.fingerprint} could not be read as an RSA DER key: ${oneLine(error)}`);
    }
  }
  return { keys, rejected };
}

function timeText(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  // The JSON protocol and `aws ... --cli-timestamp-format none` give epoch seconds.
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000).toISOString();
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The entries of `aws cloudtrail list-public-keys` output (`{"PublicKeyList":[...]}`,
 * or the bare list). `Value` is base64 there. Throws a UsageError naming what is wrong.
 */
export function parsePublicKeyList(json: unknown): PublicKeyEntry[] {
  const list = Array.isArray(json)
    ? json
    : typeof json === 'object' && json !== null
      ? (json as Record<string, unknown>).PublicKeyList
      : undefined;
  if (!Array.isArray(list)) throw new UsageError('public keys file: expected the JSON of `aws cloudtrail list-public-keys` ({"PublicKeyList": [...]})');
  return list.map((item, index) => {
    if (typeof item !== 'object' || item === null) throw new UsageError(`public keys file: entry ${index} is not an object`);
    const { Value, Fingerprint, ValidityStartTime, ValidityEndTime } = item as Record<string, unknown>;
    if (typeof Fingerprint !== 'string' || Fingerprint === '') throw new UsageError(`public keys file: entry ${index} has no Fingerprint`);
    if (typeof Value !== 'string' || !BASE64.test(Value.replace(/\s+/g, ''))) {
      throw new UsageError(`public keys file: entry ${index} (${Fingerprint}) has no base64 Value`);
    }
    return {
      fingerprint: Fingerprint,
      value: Buffer.from(Value.replace(/\s+/g, ''), 'base64'),
      validityStart: timeText(ValidityStartTime),
      validityEnd: timeText(ValidityEndTime),
    };
  });
}

/** `--public-keys FILE`: the saved output of `aws cloudtrail list-public-keys`. */
export async function loadPublicKeysFile(path: string): Promise<PublicKeyEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read public keys file ${path}: ${oneLine(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`public keys file ${path} is not JSON (${oneLine(error)}): save the output of \`aws cloudtrail list-public-keys --start-time ... --output json\``);
  }
  return parsePublicKeyList(json);
}

/**
 * The public keys CloudTrail used between `start` and `end`, every page of
 * `ListPublicKeys`. Keys are per region: call with a client of the trail's home region.
 */
export async function fetchPublicKeys(client: CloudTrailClient, start: Date, end: Date): Promise<PublicKeyEntry[]> {
  // Loaded here, not with the module: with --public-keys nothing loads the SDK (~75 ms of start-up).
  const { ListPublicKeysCommand } = await import('@aws-sdk/client-cloudtrail');
  const entries: PublicKeyEntry[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListPublicKeysCommand({ StartTime: start, EndTime: end, NextToken: nextToken }));
    for (const key of page.PublicKeyList ?? []) {
      if (!key.Fingerprint || !key.Value) continue;
      entries.push({
        fingerprint: key.Fingerprint,
        value: Buffer.from(key.Value),
        validityStart: timeText(key.ValidityStartTime),
        validityEnd: timeText(key.ValidityEndTime),
      });
    }
    nextToken = page.NextToken || undefined;
    // A server repeating a token would loop forever.
    if (nextToken !== undefined) {
      if (seenTokens.has(nextToken)) break;
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);
  return entries;
}
