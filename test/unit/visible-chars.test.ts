/**
 * What prints as nothing is shown as its code point, so that two names that look alike are
 * not taken for one: a role name with a zero-width joiner, a soft hyphen, a variation selector
 * or a tag character printed exactly as the allow-listed one (2026-11-26 review).
 */
import { describe, expect, it } from 'vitest';
import { clip, clipVisible, visible } from '../../src/render/format.js';
import { flatten } from '../../src/render/one-line.js';
import { clip as clipForFinding } from '../../src/analysis/rules/support/text.js';

describe('visible', () => {
  it.each([
    ['a zero-width joiner', 'role/terraform-deployer\u200D', 'role/terraform-deployer[U+200D]'],
    ['a zero-width non-joiner', 'ter\u200Craform', 'ter[U+200C]raform'],
    ['a soft hyphen', 'terra\u00ADform', 'terra[U+00AD]form'],
    ['a combining grapheme joiner', 'a\u034Fb', 'a[U+034F]b'],
    ['a variation selector', 'deployer\uFE0F', 'deployer[U+FE0F]'],
    ['a Mongolian vowel separator', 'a\u180Eb', 'a[U+180E]b'],
    ['Hangul fillers', '\u3164\u115F\uFFA0', '[U+3164][U+115F][U+FFA0]'],
    ['a tag character (outside the BMP)', 'deployer\u{E0041}', 'deployer[U+E0041]'],
    ['a variation selector supplement', 'x\u{E0100}', 'x[U+E0100]'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a[U+2028]b[U+2029]c'],
    ['a lone surrogate', 'lone\uD800x', 'lone[U+D800]x'],
    ['a shorthand format control', 'deployer\u{1BCA0}', 'deployer[U+1BCA0]'],
    ['an Egyptian hieroglyph format control', 'a\u{13430}b', 'a[U+13430]b'],
    ['a default-ignorable code point past the tags', 'x\u{E0080}', 'x[U+E0080]'],
    ['an Arabic letter mark and a bidi override', '\u061Cevil\u202Etxt', '[U+061C]evil[U+202E]txt'],
  ])('%s', (_, text, shown) => {
    expect(visible(text)).toBe(shown);
  });

  it('keeps what is seen: letters of any script, emoji, newlines and tabs', () => {
    const seen = 'line 1\n\tline 2 — ünïcödé 日本 한국어 😀 ✓';
    expect(visible(seen)).toBe(seen);
  });
});

describe('cutting a long value', () => {
  // The cut used to fall between the halves of an emoji: the PDF then showed a lone surrogate ([U+D83D]) the log never had.
  const text = `${'a'.repeat(159)}😀 tail`;

  it('never splits a character, in the PDF cells, the one-line texts and the findings', () => {
    expect(clip(text, 160)).toBe(`${'a'.repeat(159)}… (7 more characters)`);
    expect(visible(clip(text, 160))).not.toContain('[U+D83D]');
    expect(flatten(text, 161)).toBe(`${'a'.repeat(159)}…`);
    expect(clipForFinding(text, 161)).toBe(`${'a'.repeat(159)}…`);
    // Where the cut falls after the whole character, it is kept.
    expect(clip(text, 161)).toBe(`${'a'.repeat(159)}😀… (5 more characters)`);
  });
});

describe('clipVisible: a value held to a length as shown', () => {
  it('never cuts inside a [U+...] token, and counts the value\'s own characters not shown', () => {
    expect(clipVisible(`a${'\u200D'.repeat(50)}`, 20)).toBe('a[U+200D][U+200D]… (48 more characters)');
    expect(clipVisible('plain text', 20)).toBe('plain text');
    expect(clipVisible('x'.repeat(30), 20)).toBe(`${'x'.repeat(20)}… (10 more characters)`);
    // A whole emoji or none; a lone surrogate is shown as its token.
    expect(clipVisible(`${'a'.repeat(19)}😀b`, 20)).toBe(`${'a'.repeat(19)}… (3 more characters)`);
    expect(clipVisible(`\uD83D${'b'.repeat(30)}`, 10)).toBe('[U+D83D]bb… (28 more characters)');
  });
});
