import { describe, expect, it } from 'vitest';
import { BoundedMemo, getOrInsert } from '../../src/memo.js';

describe('BoundedMemo', () => {
  it('computes a value once per key, null and false included', () => {
    const memo = new BoundedMemo<string, boolean | null>(10);
    let calls = 0;
    const compute = (key: string) => (calls++, key === 'x' ? null : false);
    expect([memo.get('x', compute), memo.get('x', compute), memo.get('y', compute), memo.get('y', compute)]).toEqual([null, null, false, false]);
    expect(calls).toBe(2);
  });

  it('starts again empty past its limit, by entries or by weight', () => {
    const byCount = new BoundedMemo<number, number>(2);
    let calls = 0;
    const square = (n: number) => (calls++, n * n);
    for (const n of [1, 2, 1, 2]) byCount.get(n, square);
    expect(calls).toBe(2);
    byCount.get(3, square); // over the limit: 1 and 2 are dropped
    byCount.get(1, square);
    expect(calls).toBe(4);

    const byWeight = new BoundedMemo<string, number>(10, (text) => text.length);
    let reads = 0;
    const read = (text: string) => (reads++, text.length);
    byWeight.get('aaaaaa', read);
    byWeight.get('aaaaaa', read);
    byWeight.get('bbbbbb', read); // 12 > 10: starts again with this one
    byWeight.get('bbbbbb', read);
    byWeight.get('aaaaaa', read); // dropped with the first start-over: read again
    expect(reads).toBe(3);
  });
});

describe('getOrInsert', () => {
  it('makes and stores a missing value, and returns a present one untouched', () => {
    const map = new Map<string, string[]>();
    getOrInsert(map, 'a', () => []).push('1');
    getOrInsert(map, 'a', () => ['never']).push('2');
    expect(map.get('a')).toEqual(['1', '2']);
  });
});
