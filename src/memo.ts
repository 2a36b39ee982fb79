/**
 * Memos for pure functions over log values (user agents, ARNs, policy texts...): a month
 * repeats a few values thousands of times, so each is worked out once. A memo holds at most
 * `limit` (by `weigh`, one per entry by default) and starts again empty past it, so memory
 * stays bounded whatever the input. Values are shared between callers: never change them.
 */
export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();
  private weight = 0;

  constructor(
    private readonly limit: number,
    private readonly weigh: (key: K) => number = () => 1,
  ) {}

  /** The value for `key`, computed by `compute` the first time (values are never undefined). */
  get(key: K, compute: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value === undefined) {
      value = compute(key);
      const weight = this.weigh(key);
      if (this.weight + weight > this.limit) {
        this.entries.clear();
        this.weight = 0;
      }
      this.entries.set(key, value);
      this.weight += weight;
    }
    return value;
  }

  /** Lets every entry go (a stage done with the memo's values). */
  clear(): void {
    this.entries.clear();
    this.weight = 0;
  }
}

/** The map's (or weak map's) value for `key`, made by `make` and stored when missing (nested maps, groups, indexes). */
export function getOrInsert<K, V>(map: { get(key: K): V | undefined; set(key: K, value: V): unknown }, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
