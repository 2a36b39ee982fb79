/**
 * The integrity check's own reads (digests, and log files the read did not hash) are read once
 * more where a store reads differently then (`ObjectStore.readAgain`: S3 outside its shared retry
 * quota) when they fail on something passing: a burst of 500s on digest reads, under --verify,
 * emptied the S3 client's quota and gave false `digest-unreadable` errors (2026-11-26 review).
 * So are the digests' metadata requests (`ObjectStore.metadataAgain`: a digest's signature is in
 * its S3 metadata), counted with the reads in the same 8 second tries that fail in a row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePublicKeyList } from '../../src/integrity/public-keys.js';
import { verifyIntegrity } from '../../src/integrity/verify.js';
import { LocalStore } from '../../src/sources/local.js';
import { buildDigestTree, generateRsaKeyPair } from '../helpers/digest-tree.js';

const PERIOD = { start: new Date('2026-10-01T00:00:00Z'), end: new Date('2026-10-02T00:00:00Z') };
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A store whose first read of each object fails as a throttled or failing S3 read does (`transient`), and whose `readAgain` reads. */
class BurstStore extends LocalStore {
  readonly failed = new Set<string>();
  readsAgain = 0;
  override async read(key: string): Promise<Buffer> {
    if (!this.failed.has(key)) {
      this.failed.add(key);
      throw Object.assign(new Error('S3 server error 500 (InternalError); not retried: the client\'s retry quota had run out'), { transient: true });
    }
    return super.read(key);
  }
  async readAgain(key: string): Promise<Buffer> {
    this.readsAgain++;
    return super.read(key);
  }
}

describe('the integrity check under a burst of passing failures', () => {
  it('reads each object once more and finds the intact tree intact', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'integrity-read-again-'));
    dirs.push(root);
    const tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true });
    const store = new BurstStore(root);
    const result = await verifyIntegrity({ stores: [store], start: PERIOD.start, end: PERIOD.end, publicKeys: parsePublicKeyList(tree.publicKeyList), concurrency: 4 });
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => p.kind)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(store.readsAgain).toBe(store.failed.size);
    expect(store.readsAgain).toBeGreaterThan(0);
  });

  it('stops reading again after 8 reads in a row fail again: an endpoint that stops answering ends the check soon', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'integrity-read-again-dead-'));
    dirs.push(root);
    const tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true });
    const dead = new (class extends BurstStore {
      override async readAgain(key: string): Promise<Buffer> {
        this.readsAgain++;
        throw Object.assign(new Error(`S3 server error 500 (InternalError) after 6 attempts (${key})`), { transient: true });
      }
    })(root);
    const result = await verifyIntegrity({ stores: [dead], start: PERIOD.start, end: PERIOD.end, publicKeys: parsePublicKeyList(tree.publicKeyList), concurrency: 4 });
    expect(result.ok).toBe(false);
    expect(dead.failed.size).toBeGreaterThan(30);
    // The 8, and those already under way when the 8th failed (4 at once).
    expect(dead.readsAgain).toBeLessThanOrEqual(8 + 4);
  });
});

/** A store whose first metadata request of each digest fails as a failing S3 HEAD does (`transient`), and whose `metadataAgain` answers. */
class MetadataBurstStore extends LocalStore {
  readonly failed = new Set<string>();
  asksAgain = 0;
  override async metadata(key: string): Promise<Record<string, string>> {
    if (!this.failed.has(key)) {
      this.failed.add(key);
      throw Object.assign(new Error('S3 server error 500 (InternalError) after 6 attempts'), { transient: true });
    }
    return super.metadata(key);
  }
  async metadataAgain(key: string): Promise<Record<string, string>> {
    this.asksAgain++;
    return super.metadata(key);
  }
}

describe('the digests\' metadata (their signatures) under passing failures (review of the read-again change)', () => {
  const check = (store: LocalStore, tree: ReturnType<typeof buildDigestTree>) =>
    verifyIntegrity({ stores: [store], start: PERIOD.start, end: PERIOD.end, publicKeys: parsePublicKeyList(tree.publicKeyList), concurrency: 4 });

  it('asks each digest\'s metadata once more: every digest is checked with its own signature', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'integrity-metadata-again-'));
    dirs.push(root);
    const tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true });
    const store = new MetadataBurstStore(root);
    const result = await check(store, tree);
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => p.kind)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.notes).toEqual([]);
    expect(store.asksAgain).toBe(store.failed.size);
    expect(store.asksAgain).toBeGreaterThan(0);
  });

  it('does not ask again after a definite answer (not passing)', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'integrity-metadata-denied-'));
    dirs.push(root);
    const tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true });
    const denied = new (class extends MetadataBurstStore {
      override async metadata(key: string): Promise<Record<string, string>> {
        this.failed.add(key);
        throw Object.assign(new Error('access denied (AccessDenied)'), { transient: false });
      }
    })(root);
    const result = await check(denied, tree);
    expect(denied.failed.size).toBeGreaterThan(0);
    expect(denied.asksAgain).toBe(0);
    expect(result.notes.join(' ')).toMatch(/The S3 metadata of \d+ digests could not be read/);
  });

  it('counts second tries of reads and of metadata in the same 8 in a row: an endpoint that stops answering ends the check soon', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'integrity-metadata-again-dead-'));
    dirs.push(root);
    const tree = buildDigestTree({ root, keyPair: generateRsaKeyPair(), sidecars: true });
    const fail = (key: string) => Promise.reject(Object.assign(new Error(`S3 server error 500 (InternalError) after 6 attempts (${key})`), { transient: true }));
    // Digests read; their metadata and the log files' reads fail, the second time too.
    const dead = new (class extends MetadataBurstStore {
      readsAgain = 0;
      override async read(key: string): Promise<Buffer> {
        return key.includes('/CloudTrail-Digest/') ? super.read(key) : fail(key);
      }
      async readAgain(key: string): Promise<Buffer> {
        this.readsAgain++;
        return fail(key);
      }
      override async metadataAgain(key: string): Promise<Record<string, string>> {
        this.asksAgain++;
        return fail(key);
      }
    })(root);
    const result = await check(dead, tree);
    expect(result.ok).toBe(false);
    expect(dead.failed.size).toBeGreaterThan(30);
    // The 8, and those already under way when the 8th failed (4 at once), reads and metadata together.
    expect(dead.asksAgain + dead.readsAgain).toBeLessThanOrEqual(8 + 4);
  });
});
