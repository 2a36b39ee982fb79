import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { PhaseCollector } from '../../src/pipeline/heap.js';

describe('PhaseCollector', () => {
  it('collects only a large heap, and again only once it has grown past what the last collection left', () => {
    let used = 0;
    let collections = 0;
    const heap = new PhaseCollector({ minBytes: 100, growth: 1.4, heapUsed: () => used, collect: () => (collections++, (used = 80)) });
    used = 99; // a small month: never
    expect(heap.afterPhase()).toBe(false);
    used = 150;
    expect(heap.afterPhase()).toBe(true);
    expect(collections).toBe(1);
    used = 110; // above the minimum, but less than 1.4 x the 80 left
    expect(heap.afterPhase()).toBe(false);
    used = 112;
    expect(heap.afterPhase()).toBe(true);
    expect(collections).toBe(2);
  });

  it('frees what nothing reaches any more, with no --expose-gc, and leaves no gc() behind', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    const make = () => new WeakRef({ payload: new Array(1000).fill('x') });
    const ref = make();
    // A weak reference holds its target until the job that made it ends.
    await new Promise((resolve) => setImmediate(resolve));
    expect(new PhaseCollector({ minBytes: 0 }).afterPhase()).toBe(true);
    expect(ref.deref()).toBeUndefined();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    expect(vm.runInNewContext('typeof gc')).toBe('undefined');
  });
});
