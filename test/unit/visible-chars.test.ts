/**
 * What prints as nothing is shown as its code point, so that two names that look alike are
 * not taken for one: a role name with a zero-width joiner, a soft hyphen, a variation selector
 * or a tag character printed exactly as the allow-listed one (2026-11-26 review).
 */
import { describe, expect, it } from 'vitest';
import { visible } from '../../src/render/format.js';

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
  ])('%s', (_, text, shown) => {
    expect(visible(text)).toBe(shown);
  });

  it('keeps what is seen: letters of any script, emoji, newlines and tabs', () => {
    const seen = 'line 1\n\tline 2 — ünïcödé 日本 한국어 😀 ✓';
    expect(visible(seen)).toBe(seen);
  });
});
