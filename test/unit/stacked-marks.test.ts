/**
 * Combining marks stacked on one character ("Zalgo" text), 2026-11-26 review: an actor name of
 * one letter and 126 marks drew a tower over the three rows above it, and a cluster of 270 marks,
 * which no line can break, ran across the columns and past the PDF's right edge. The first two
 * marks on a character are kept; the others are shown as `[U+0301]`, as invisible characters
 * are, in the HTML, the PDF, the Markdown and on the terminal, and counted where values are cut.
 */
import { describe, expect, it } from 'vitest';
import { clipVisible, visible } from '../../src/render/format.js';
import { htmlText } from '../../src/render/html.js';
import { mdCode, mdText } from '../../src/render/md.js';
import { printable } from '../../src/unicode.js';
import { actorSummaries, deniedGroups } from '../../src/analysis/actors.js';
import { actors, iotEvent, reportModel } from '../helpers/events.js';

const ABOVE = '\u0301\u0300\u0302\u0303\u0304\u0306\u0307\u0308\u030A\u030B\u030C';
const BELOW = '\u0316\u0317\u0318\u0319\u0323\u0324\u0325\u0326\u0327\u0328';
/** The reviewer's actor name: a letter, 66 marks above and 60 below. */
const TOWER = `Z${ABOVE.repeat(6)}${BELOW.repeat(6)}`;
/** The reviewer's thing name and user agent: a letter and 270 marks. */
const CLUSTER = `X${(ABOVE + BELOW).repeat(13)}\u0301\u0300\u0302\u0303\u0304\u0306\u0307`;
/** Three or more marks in a row: what draws over the rows above, or makes one unbreakable character. */
const STACK = /\p{M}{3}/u;

describe('marks stacked on one character', () => {
  it('keeps two marks on a character and shows the others as their code points', () => {
    expect(visible('Z\u0301\u0300\u0302\u0303')).toBe('Z\u0301\u0300[U+0302][U+0303]');
    expect(visible(TOWER)).toBe(`Z\u0301\u0300${[...TOWER.slice(3)].map((c) => `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`).join('')}`);
    expect(visible(CLUSTER)).not.toMatch(STACK);
    expect(visible(CLUSTER).match(/\[U\+/g)).toHaveLength(CLUSTER.length - 3);
    // Two marks after each character, letters between them: nothing shown otherwise.
    expect(visible('Z\u0301\u0300a\u0302\u0303')).toBe('Z\u0301\u0300a\u0302\u0303');
  });

  it('keeps what letters need: accents, Vietnamese, Devanagari and Thai with two marks, precomposed letters, emoji', () => {
    for (const seen of ['re\u0301sume\u0301', 'Vie\u0323\u0302t Nam', 'ệ', 'हिन्दी', 'ก\u0E34\u0E48', 'café 😀 👍🏽', 'e\u0301\u0323\n\tx']) {
      expect(visible(seen)).toBe(seen);
    }
  });

  it('counts a variation selector or a grapheme joiner (shown as its code point) as no drawn mark', () => {
    // The selector is shown as [U+FE0F]: the marks after it sit on its bracket, two at most.
    expect(visible('e\u0301\uFE0F\u0301\u0301\u0301')).toBe('e\u0301[U+FE0F]\u0301\u0301[U+0301]');
    expect(visible('a\u034F\u0301\u0302\u0303')).toBe('a[U+034F]\u0301\u0302[U+0303]');
  });

  it('shows the same on the terminal, and escaping twice changes nothing', () => {
    expect(printable('Z\u0301\u0300\u0302\u0303\u001b')).toBe('Z\u0301\u0300[U+0302][U+0303][U+001B]');
    expect(printable(TOWER)).toBe(visible(TOWER));
    expect(printable(printable(CLUSTER))).toBe(printable(CLUSTER));
    expect(visible(visible(CLUSTER))).toBe(visible(CLUSTER));
  });

  it('shows the same in the Markdown summary', () => {
    expect(mdText(TOWER)).not.toMatch(STACK);
    expect(mdText(TOWER)).toContain('Z\u0301\u0300\\[U\\+0302\\]');
    expect(mdCode(CLUSTER)).not.toMatch(STACK);
    expect(mdCode(CLUSTER)).toContain('X\u0301\u0300[U+0302]');
  });

  it('counts the shown code points in the length a value is cut to, never cutting inside one', () => {
    expect(clipVisible('Z\u0301\u0300\u0302\u0303\u0304', 12)).toBe('Z\u0301\u0300[U+0302]… (2 more characters)');
    const cut = clipVisible(CLUSTER, 200);
    expect(cut).toBe(`${visible(CLUSTER).slice(0, 3 + 8 * 24)}… (${CLUSTER.length - 27} more characters)`);
    // Cut once more to the same size (the PDF's last pass), it is the same.
    expect(clipVisible(cut, 200)).toBe(cut);
  });

  it('leaves no stack in the HTML or the PDF view of a report whose actor, thing and user agent are stacked marks', async () => {
    const events = [
      iotEvent({ eventName: 'CreateThing', actor: actors.iamUser(TOWER, { label: `user/${TOWER}` }), resources: [{ type: 'thing', id: CLUSTER, arn: null }], userAgent: CLUSTER }),
      iotEvent({ eventName: 'DeleteThing', actor: actors.iamUser(TOWER, { label: `user/${TOWER}` }), errorCode: 'AccessDenied', errorMessage: `denied ${CLUSTER}` }),
    ];
    const model = reportModel({ events, actors: actorSummaries(events), denied: deniedGroups(events) });
    for (const media of ['screen', 'pdf'] as const) {
      const html = await htmlText(model, { media, paper: 'a4', dataFiles: ['iot-audit-2026-10.json'] });
      expect(html, media).toContain('user/Z\u0301\u0300[U+0302]');
      expect(html, media).toContain('X\u0301\u0300[U+0302]');
      expect(html, media).not.toMatch(STACK);
    }
  });
});
