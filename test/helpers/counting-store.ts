import { LocalStore } from '../../src/sources/local.js';
import type { ObjectStore, StoredObject } from '../../src/types.js';

/** A local store that records what it lists, to prove what is (and is not) listed. */
export class CountingStore extends LocalStore {
  listed: string[] = [];
  override async listChildren(prefix: string) {
    this.listed.push(prefix);
    return super.listChildren(prefix);
  }
  override async *listAll(prefix: string): AsyncIterable<StoredObject> {
    this.listed.push(`ALL:${prefix}`);
    yield* super.listAll(prefix);
  }
}

/** A bucket every listing and read of which is refused (AccessDenied): nothing can be read from it. */
export function deniedStore(label: string): ObjectStore {
  const refuse = () => Promise.reject(new Error('Access Denied'));
  return {
    label,
    kind: 's3',
    rootPrefix: '',
    listChildren: refuse,
    // eslint-disable-next-line require-yield
    listAll: async function* () {
      throw new Error('Access Denied');
    },
    read: refuse,
    metadata: refuse,
  };
}
