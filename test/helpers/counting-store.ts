import { LocalStore } from '../../src/sources/local.js';
import type { StoredObject } from '../../src/types.js';

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
