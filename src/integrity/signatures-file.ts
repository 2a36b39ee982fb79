import { readFile } from 'node:fs/promises';
import { UsageError, oneLine } from '../errors.js';

const HEX = /^[0-9a-fA-F]+$/;

/** `s3://bucket/key` or `key` to `key`: a signature is looked up by the digest's object key. */
function objectKey(text: string): string {
  const m = /^s3:\/\/[^/]+\/(.+)$/.exec(text);
  return m ? m[1] : text.replace(/^\/+/, '');
}

/**
 * `--signatures FILE`: the digests' signatures a sync step saved from S3 metadata,
 * either a JSON object `{ "<digest key or s3:// URL>": "<hex signature>" }` or lines
 * `<digest key or s3:// URL> <hex signature>` (blank lines and `#` comments ignored).
 * Keys are digest object keys as CloudTrail recorded them (`digestS3Object`).
 */
export async function loadSignaturesFile(path: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read signatures file ${path}: ${oneLine(error)}`);
  }
  return parseSignatures(text, path);
}

export function parseSignatures(text: string, path = 'signatures file'): Map<string, string> {
  const signatures = new Map<string, string>();
  const add = (key: string, signature: string, where: string) => {
    if (!HEX.test(signature)) throw new UsageError(`${path}: ${where}: the signature is not hex`);
    signatures.set(objectKey(key), signature.toLowerCase());
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new UsageError(`${path} is not valid JSON (${oneLine(error)}): give a JSON object {"<digest key>": "<hex signature>"} or lines "<digest key> <hex signature>"`);
    }
    for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new UsageError(`${path}: the value for ${key} is not a string`);
      add(key, value, key);
    }
    return signatures;
  }
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    if (parts.length !== 2) throw new UsageError(`${path}: line ${index + 1}: expected "<digest key> <hex signature>"`);
    // Either order: `sha256sum`-style files put the value first.
    const [a, b] = parts;
    if (HEX.test(a) && !HEX.test(b)) add(b, a, `line ${index + 1}`);
    else add(a, b, `line ${index + 1}`);
  }
  return signatures;
}
