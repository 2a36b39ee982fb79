/** The pieces the PDF's cuts are made of: cutting once, the last pass by field, and the documents' shares. */
import { describe, expect, it } from 'vitest';
import { clipVisible, clipVisibleMiddle, visibleStrings } from '../../src/render/format.js';
import { fairShares } from '../../src/render/view-kit.js';

describe('clipVisible', () => {
  it('cuts a value once: a value it cut is kept as it is at the same size or a larger one', () => {
    const once = clipVisible('x'.repeat(60_000), 200);
    expect(once).toBe(`${'x'.repeat(200)}… (59,800 more characters)`);
    expect(clipVisible(once, 200)).toBe(once);
    expect(clipVisible(once, 2_000)).toBe(once);
    // Cut to a smaller size, it is cut again.
    expect(clipVisible(once, 100)).toBe(`${'x'.repeat(100)}… (126 more characters)`);
    const invisible = clipVisible('\u200D'.repeat(60_000), 160);
    expect(clipVisible(invisible, 200)).toBe(invisible);
  });

  it('cuts a value that only ends as a cut one does', () => {
    const forged = `${'x'.repeat(500)}… (5 more characters)`;
    expect(clipVisible(forged, 200)).toBe(`${'x'.repeat(200)}… (${forged.length - 200} more characters)`);
    expect(clipVisible(`${'\u200B'.repeat(30)}… (5 more characters)`, 200)).toMatch(/^(\[U\+200B\]){25}… \(26 more characters\)$/);
  });

  it('cuts a forged "cut" value whose count runs on (25,000 digit groups: it reached the PDF whole, 100,000 characters, 2026-11-26 review)', () => {
    const forged = `x… (1${',000'.repeat(25_000)} more characters)`;
    const shown = clipVisible(forged, 200);
    expect(shown.length).toBeLessThan(260);
    expect(shown).toBe(`${forged.slice(0, 200)}… (${(forged.length - 200).toLocaleString('en-US')} more characters)`);
  });
});

describe('clipVisibleMiddle (who acted, what was acted on: 2026-11-26 review)', () => {
  // An IAM role's path may be 512 characters: cut at its end, the ARN lost the role's name.
  const arn = `arn:aws:iam::314159265358:role/${'team/'.repeat(60)}DeployRole-Prod`;

  it("keeps the value's start and end, saying how much is left out between, in at most the cap", () => {
    const shown = clipVisibleMiddle(arn, 200);
    expect(shown.length).toBeLessThanOrEqual(200);
    expect(shown.startsWith('arn:aws:iam::314159265358:role/team/')).toBe(true);
    expect(shown.endsWith('/team/DeployRole-Prod')).toBe(true);
    const [, head, left, tail] = /^(.*)… \((\d+) characters left out\) …(.*)$/.exec(shown)!;
    expect(head!.length + Number(left) + tail!.length).toBe(arn.length);
    // The PDF's last pass, at that cap or a larger one, keeps it as it is.
    expect(visibleStrings({ arn: shown }, () => 200).arn).toBe(shown);
    expect(clipVisibleMiddle(shown, 200)).toBe(shown);
  });

  it('keeps a value that fits whole, in its visible form', () => {
    expect(clipVisibleMiddle('role/DeployRole', 200)).toBe('role/DeployRole');
    expect(clipVisibleMiddle('role/\u202EDeploy', 200)).toBe('role/[U+202E]Deploy');
  });

  it('counts invisible characters as they are shown, and never splits one, nor a pair of surrogates', () => {
    const forged = `${'\u200D'.repeat(300)}${'\u{1F600}'.repeat(300)}`;
    const shown = clipVisibleMiddle(forged, 200);
    expect(shown.length).toBeLessThanOrEqual(200);
    expect(shown).toMatch(/^(\[U\+200D\])+… \(\d+ characters left out\) …(\u{1F600})+$/u);
    for (let shift = 0; shift < 3; shift++) {
      const odd = clipVisibleMiddle(`${'a'.repeat(shift)}${'\u{1F600}'.repeat(300)}`, 200);
      expect(odd).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    }
  });
});

describe('visibleStrings with caps', () => {
  const caps = (field: string) => (field === 'note' ? 10 : field === 'anchor' ? Number.POSITIVE_INFINITY : 4);

  it("holds each string to its field's cap, naming a list's strings by the list", () => {
    const view = { anchor: 'a'.repeat(20), note: 'n'.repeat(12), rows: [{ id: 'abcdef', things: { items: ['xyzxyz', 'ab'], more: null } }], tags: ['\u202Eabcdef'] };
    expect(visibleStrings(view, caps)).toEqual({
      anchor: 'a'.repeat(20),
      note: `${'n'.repeat(10)}… (2 more characters)`,
      rows: [{ id: 'abcd… (2 more characters)', things: { items: ['xyzx… (2 more characters)', 'ab'], more: null } }],
      tags: ['… (7 more characters)'],
    });
    // Without caps (the screen), only made visible.
    expect(visibleStrings(view)).toEqual({ ...view, tags: ['[U+202E]abcdef'] });
  });
});

describe('fairShares', () => {
  it('gives each what it wants when all fit', () => {
    expect(fairShares([3, 5, 0], 8)).toEqual([3, 5, 0]);
    expect(fairShares([3, 5], Number.POSITIVE_INFINITY)).toEqual([3, 5]);
  });

  it('gives the small ones what they want and the others an equal share of the rest, within the budget', () => {
    expect(fairShares([100, 10, 100, 20], 150)).toEqual([60, 10, 60, 20]);
    expect(fairShares([9, 9, 9], 10)).toEqual([3, 3, 4]);
    const shares = fairShares(Array.from({ length: 180 }, () => 8_192), 120_000);
    expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(120_000);
    expect(Math.min(...shares)).toBe(666);
  });
});
