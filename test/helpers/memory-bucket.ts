import type { ObjectStore, StoredObject } from '../../src/types.js';

/**
 * A bucket as S3 lists it (delimiter `/` per prefix), in memory: records its listings, refuses
 * the listings of the prefixes `refused` matches (AccessDenied), and refuses to list the bucket
 * whole (`listAll`), which discovery must never do.
 */
export class MemoryBucket implements ObjectStore {
  readonly kind = 's3' as const;
  readonly label = 's3://bucket';
  readonly rootPrefix: string;
  listed: string[] = [];
  constructor(
    private readonly keys: readonly string[],
    options: { rootPrefix?: string; refused?: RegExp } = {},
  ) {
    this.rootPrefix = options.rootPrefix ?? '';
    this.refused = options.refused ?? null;
  }
  private readonly refused: RegExp | null;
  listChildren(prefix: string): Promise<{ prefixes: string[]; objects: StoredObject[] }> {
    this.listed.push(prefix);
    if (this.refused?.test(prefix)) return Promise.reject(new Error('access denied (AccessDenied)'));
    const prefixes = new Set<string>();
    const objects: StoredObject[] = [];
    for (const key of this.keys) {
      if (!key.startsWith(prefix)) continue;
      const slash = key.indexOf('/', prefix.length);
      if (slash === -1) objects.push({ key });
      else prefixes.add(key.slice(0, slash + 1));
    }
    return Promise.resolve({ prefixes: [...prefixes].sort(), objects });
  }
  // eslint-disable-next-line require-yield
  async *listAll(prefix: string): AsyncIterable<StoredObject> {
    throw new Error(`listed the bucket whole from '${prefix}'`);
  }
  read(): Promise<Buffer> {
    return Promise.reject(new Error('not read here'));
  }
  metadata(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }
}
