import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/sources/local.js';
import { localPathOf } from '../../src/sources/open.js';

// Workers read local log files by path: the fast path for plain keys must name exactly the
// file path.join names, whatever the root and the key look like.
describe('localPathOf', () => {
  const keys = [
    'AWSLogs/o-1/111122223333/CloudTrail/us-east-1/2026/10/01/x.json.gz',
    'a/b/c.json.gz',
    'x y/z',
    'a/.b/c',
    'a/..b',
    'a/b..',
    '',
    '/a',
    'a//b',
    './a',
    'a/./b',
    'a/../b',
    'a/..',
    '..',
    'a/b/',
  ];
  for (const root of ['/tmp/r', '/', '/tmp/r/', '/tmp//r/./s', 'relative/x']) {
    it(`names the same file as path.join under ${JSON.stringify(root)}`, () => {
      const store = new LocalStore(root);
      for (const key of keys) expect(localPathOf(store, key), key).toBe(path.join(root, ...key.split('/')));
    });
  }
});
