import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse, type HTMLElement } from 'node-html-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RenderContext } from '../../src/render/context.js';
import { htmlText, renderDocument, renderHtml } from '../../src/render/html.js';
import { BUILTIN_TEMPLATE_DIR, loadTemplates, TemplateError } from '../../src/render/templates.js';
import { lazyRows } from '../../src/render/rows.js';
import { buildView, CONTENT_SECURITY_POLICY } from '../../src/render/view.js';
import { HOSTILE_COMPARISON_TAGS, HOSTILE_TAGS, sampleModel } from '../helpers/sample-model.js';

const SCREEN: RenderContext = { media: 'screen', paper: 'a4', dataFiles: ['iot-audit-2026-10.csv', 'iot-audit-2026-10.json'] };
const PDF: RenderContext = { ...SCREEN, media: 'pdf' };
const SECTIONS = ['findings', 'summary', 'integrity', 'certificates', 'policies', 'actors', 'denied', 'coverage', 'appendix'];

const rows = (root: HTMLElement, section: string, table = 'table'): HTMLElement[] =>
  root.querySelectorAll(`#${section} ${table} tbody tr`);

/** What makes a document self-contained and inert, checked on the parsed tree and on the raw text. */
function expectInert(html: string): HTMLElement {
  const root = parse(html);
  for (const tag of ['script', 'img', 'iframe', 'object', 'embed', 'link', 'base', 'form', 'input', 'video', 'audio', 'source', 'frame']) {
    expect(root.querySelectorAll(tag), tag).toHaveLength(0);
  }
  expect(root.querySelectorAll('style')).toHaveLength(1);
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<img/i);
  expect(html).not.toMatch(/url\(|@import/i);
  for (const el of root.querySelectorAll('*')) {
    for (const [name, value] of Object.entries(el.attributes)) {
      expect(name.toLowerCase().startsWith('on'), `${el.tagName} ${name}`).toBe(false);
      if (name === 'href') expect(value, `${el.tagName} href`).toMatch(/^#[A-Za-z0-9_.-]+$/);
      if (name === 'src' || name === 'srcset' || name === 'action' || name === 'formaction' || name === 'xlink:href') {
        expect(value, `${el.tagName} ${name}`).toMatch(/^data:/);
      }
      if (name === 'style') expect(value).toMatch(/^width:\d+%$/);
    }
  }
  const meta = root.querySelectorAll('meta').find((m) => m.getAttribute('http-equiv') === 'Content-Security-Policy');
  expect(meta?.getAttribute('content')).toBe(CONTENT_SECURITY_POLICY);
  expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
  expect(CONTENT_SECURITY_POLICY).not.toMatch(/script-src|unsafe-eval|https?:/);
  return root;
}

describe('renderHtml (screen)', () => {
  const model = sampleModel({ events: 400, integrity: true });
  let html: string;
  let root: HTMLElement;
  beforeAll(async () => {
    html = await htmlText(model, SCREEN);
    root = expectInert(html);
  });

  it('is one inert, self-contained document with a title and a CSP first in <head>', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(root.querySelector('html')?.getAttribute('lang')).toBe('en');
    expect(root.querySelector('title')?.text).toBe(model.title);
    const head = root.querySelector('head') as HTMLElement;
    const firstMetas = head.querySelectorAll('meta').slice(0, 2).map((m) => m.getAttribute('charset') ?? m.getAttribute('http-equiv'));
    expect(firstMetas).toEqual(['utf-8', 'Content-Security-Policy']);
  });

  it('has the sections in order, each once', () => {
    expect(root.querySelectorAll('section.section').map((s) => s.id)).toEqual(SECTIONS);
    const tocLinks = root.querySelectorAll('nav.toc a').map((a) => a.getAttribute('href'));
    expect(tocLinks).toEqual(SECTIONS.map((s) => `#${s}`));
  });

  it('has a row for every model item', () => {
    expect(rows(root, 'appendix')).toHaveLength(model.events.length);
    expect(rows(root, 'actors')).toHaveLength(model.actors.length);
    expect(rows(root, 'denied')).toHaveLength(model.denied.length);
    expect(root.querySelectorAll('#policies article.policy')).toHaveLength(model.policies.length);
    const major = model.findings.filter((f) => !f.suppressed && ['critical', 'high', 'medium'].includes(f.severity));
    expect(root.querySelectorAll('#findings article.finding')).toHaveLength(major.length);
    expect(root.querySelectorAll('#findings table.findings-brief tbody tr')).toHaveLength(model.findings.length - major.length);
    expect(root.querySelectorAll('#findings tr.is-suppressed')).toHaveLength(model.findings.filter((f) => f.suppressed).length);
    expect(root.querySelectorAll('#findings [id^="finding-"]')).toHaveLength(model.findings.length);
    const listed = rows(root, 'certificates', 'table.certs').length;
    const inGroups = root.querySelectorAll('#certificates details.members li').length;
    expect(listed + inGroups).toBe(model.certificates.length);
    expect(rows(root, 'integrity')).toHaveLength((model.integrity?.chains.length ?? 0) + (model.integrity?.problems.length ?? 0));
    expect(rows(root, 'summary', 'table.fixed').length).toBeGreaterThanOrEqual(model.summary.changesByAction.length + model.summary.byAccount.length);
    // Every event row carries its id, in model order.
    expect(rows(root, 'appendix').map((r) => r.querySelector('.mono.tiny')?.text)).toEqual(model.events.map((e) => e.eventId));
  });

  it('has unique ids, and every link points at one of them', () => {
    const ids = root.querySelectorAll('[id]').map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    const idSet = new Set(ids);
    const links = root.querySelectorAll('a[href]');
    expect(links.length).toBeGreaterThan(model.findings.length);
    for (const a of links) expect(idSet.has((a.getAttribute('href') as string).slice(1)), a.getAttribute('href')).toBe(true);
    // A finding links to its events and to its resource's section.
    const policyFinding = root.querySelectorAll('article.finding').find((f) => f.text.includes('overly-permissive-policy'));
    expect(policyFinding).toBeDefined();
    const hrefs = policyFinding?.querySelectorAll('a').map((a) => a.getAttribute('href')) ?? [];
    expect(hrefs.some((h) => h?.startsWith('#event-'))).toBe(true);
    expect(hrefs.some((h) => h?.startsWith('#policy-'))).toBe(true);
  });

  it('repeats table headers and draws the chart as inline SVG', () => {
    for (const table of root.querySelectorAll('table.data')) {
      if (table.querySelector('thead')) expect(table.querySelectorAll('thead th').length).toBeGreaterThan(0);
    }
    expect(root.querySelectorAll('#appendix table thead')).toHaveLength(1);
    const svg = root.querySelector('#summary svg.day-chart') as HTMLElement;
    const daysWithChanges = model.summary.byDay.filter((d) => d.changes > 0).length;
    const daysWithFailures = model.summary.byDay.filter((d) => d.failedAttempts > 0).length;
    expect(svg.querySelectorAll('rect.bar-changes')).toHaveLength(daysWithChanges + 1);
    expect(svg.querySelectorAll('rect.bar-failed')).toHaveLength(daysWithFailures + 1);
    expect(svg.querySelectorAll('g > title')).toHaveLength(model.summary.byDay.length);
    expect(html).toMatch(/thead \{ display: table-header-group; \}/);
  });

  it('says what the header must say', () => {
    const header = (root.querySelector('header.doc-header') as HTMLElement).text;
    for (const s of [
      model.title,
      model.period.label,
      'Europe/Paris',
      '2026-11-02 09:30:00 Europe/Paris',
      'iot-audit 0.1.0',
      './fixtures/org-trail',
      'o-a1b2c3d4e5',
      '333333333333 (security)',
      '1,234 (1,233 readable, 1 unreadable), 56.8 MB, 98,765 records',
      'Accounts without logs',
      'the accounts file',
      'Organizations: AccessDenied; used --accounts-file',
    ]) {
      expect(header).toContain(s);
    }
  });

  it('shows omitted policy documents as not recorded, and documents in <pre> as logged', () => {
    const large = root.querySelectorAll('article.policy').find((p) => p.querySelector('h3')?.text === 'LargePolicy') as HTMLElement;
    expect(large.querySelector('.not-recorded')?.text).toContain('Document not recorded (CloudTrail omitted the request parameters as too large)');
    expect(large.text).not.toMatch(/empty policy\b(?!\.)/i);
    const device = root.querySelectorAll('article.policy').find((p) => p.querySelector('h3')?.text === 'DevicePolicy') as HTMLElement;
    const pre = device.querySelectorAll('pre.document').map((p) => p.text);
    expect(pre[1]).toBe(model.policies.find((p) => p.policyName === 'DevicePolicy')?.versions[1]?.documentPretty);
  });

  it('marks console sessions in the appendix', () => {
    const marked = rows(root, 'appendix').filter((r) => r.text.includes('console session'));
    expect(marked).toHaveLength(model.events.filter((e) => e.sessionCredentialFromConsole === true).length);
    expect(marked.length).toBeGreaterThan(0);
  });

  it('says in the integrity section what a check of the bucket cannot find, and how to rule it out', () => {
    // An auditor reads "intact" off this section: a trail whose digests were all deleted leaves nothing to find.
    const section = root.querySelector('#integrity') as HTMLElement;
    expect(section.text.replace(/\s+/g, ' ')).toContain('a trail all of whose digests and log files from before the period until now were deleted, beside another trail still writing, leaves nothing to find');
    expect(section.text).toContain('aws cloudtrail describe-trails');
  });

  it('marks events from log files that failed validation', () => {
    const flagged = rows(root, 'appendix').filter((r) => r.text.includes('log file modified'));
    expect(flagged).toHaveLength(model.events.filter((e) => e.integrity === 'modified').length);
  });

  it('is byte-identical for the same model', async () => {
    expect(await htmlText(sampleModel({ events: 400, integrity: true }), SCREEN)).toBe(html);
  });

  it('is written in pieces, a table row at a time, that make the same document', async () => {
    const pieces = [...(await renderHtml(sampleModel({ events: 400, integrity: true }), SCREEN))];
    expect(pieces.join('')).toBe(html);
    // Every appendix row is a piece of its own: the document is never one string.
    expect(pieces.length).toBeGreaterThan(model.events.length);
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThan(html.length / 4);
  });

  it('shows what changed since a previous report, right after the findings, when compared', async () => {
    const compared = sampleModel({ events: 120, comparison: true });
    const c = compared.comparison as NonNullable<typeof compared.comparison>;
    const r = expectInert(await htmlText(compared, SCREEN));
    expect(r.querySelectorAll('section.section').map((s) => s.id)).toEqual(['findings', 'comparison', ...SECTIONS.slice(1).filter((s) => s !== 'integrity')]);
    const section = r.querySelector('#comparison') as HTMLElement;
    expect(section.text).toContain('September 2026 (Europe/Paris)');
    const tables = section.querySelectorAll('table.fixed').map((t) => t.querySelectorAll('tbody tr').length);
    expect(tables).toEqual([
      c.findings.new.length,
      c.findings.resolved.length,
      c.findings.changed.length,
      c.policies.new.length + c.policies.changed.length + c.policies.deleted.length,
      c.certificates.new.length + c.certificates.changed.length,
      c.actors.new.length + c.actors.gone.length,
    ]);
    expect(section.text).toContain('severity high → critical');
    expect(section.text).toContain('INACTIVE → ACTIVE');
  });

  it('has no integrity section when the report was not verified', async () => {
    const r = parse(await htmlText(sampleModel({ events: 60 }), SCREEN));
    expect(r.querySelectorAll('section.section').map((s) => s.id)).toEqual(SECTIONS.filter((s) => s !== 'integrity'));
  });
});

describe('renderHtml (pdf view)', () => {
  it('splits long tables into chunks that each repeat the header, and points to the data files', async () => {
    const model = sampleModel({ events: 1500, rolloutActors: 30 });
    const html = await htmlText(model, { ...PDF, pdfCaps: { appendix: 250, chunkRows: 100 } });
    const root = expectInert(html);
    const tables = root.querySelectorAll('#appendix table');
    expect(tables.map((t) => t.querySelectorAll('tbody tr').length)).toEqual([100, 100, 50]);
    for (const t of tables) expect(t.querySelectorAll('thead th').map((th) => th.text)).toEqual(['Time', 'Account / region', 'Call', 'Actor and source', 'Result', 'Resources']);
    expect(root.querySelector('#appendix .more-rows')?.text).toBe(`${(model.events.length - 250).toLocaleString('en-US')} more rows in iot-audit-2026-10.csv / .json`);
    expect(root.querySelector('#appendix .note-box')?.text).toContain(`This PDF lists 250 of ${model.events.length.toLocaleString('en-US')} events.`);
    const idSet = new Set(root.querySelectorAll('[id]').map((e) => e.id));
    for (const a of root.querySelectorAll('a[href]')) expect(idSet.has((a.getAttribute('href') as string).slice(1))).toBe(true);
  });
});

describe('hostile values', () => {
  for (const ctx of [SCREEN, PDF]) {
    it(`are escaped in every field (${ctx.media})`, async () => {
      const model = sampleModel({ events: 90, hostile: true, integrity: true, comparison: true });
      const { html, pdfHeader, pdfFooter } = await renderDocument(model, ctx);
      expect([...(await renderHtml(model, ctx))].join('')).toBe(html);
      const root = expectInert(html);
      const text = root.text;
      for (const tag of [...HOSTILE_TAGS, ...HOSTILE_COMPARISON_TAGS]) {
        // The payload reads back as text: nothing of it became markup, and the RTL override is shown.
        expect(text, tag).toContain(`onerror=alert('${tag}')>`);
        expect(text, tag).toContain(`[U+202E]${tag}`);
      }
      expect(root.querySelector('title')?.text).toContain('<script>alert("title")</script>');
      expect(text).toContain('<script>alert("event-name")</script>"><img src=x onerror=alert(\'event-name\')>{{event-name}}</style></pre>[U+202E]event-name');
      for (const fragment of [pdfHeader, pdfFooter]) {
        expect(fragment).not.toMatch(/<script|<img/i);
        expectNoOnAttributes(fragment);
      }
      expect(parse(pdfHeader).text).toContain('<script>alert("title")</script>');
      expect(pdfFooter).toContain('<span class="pageNumber"></span>');
      expect(pdfFooter).toContain('<span class="totalPages"></span>');
    });
  }
});

function expectNoOnAttributes(html: string): void {
  for (const el of parse(html).querySelectorAll('*')) {
    for (const name of Object.keys(el.attributes)) expect(name.toLowerCase().startsWith('on')).toBe(false);
  }
}

describe('templates', () => {
  let dir: string;
  const model = sampleModel({ events: 60 });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'iot-audit-templates-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const userDir = async (files: Record<string, string>): Promise<string> => {
    const d = await mkdtemp(path.join(dir, 'user-'));
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(d, name)), { recursive: true });
      await writeFile(path.join(d, name), text);
    }
    return d;
  };
  const failure = async (files: Record<string, string>): Promise<string> => {
    const d = await userDir(files);
    const err = await htmlText(model, { ...SCREEN, templateDir: d }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TemplateError);
    const message = (err as Error).message;
    expect(message).not.toContain('\n');
    return message.split(d).join('<dir>');
  };

  it('built-in templates never print unescaped output', async () => {
    const files = [
      ...(await readdir(BUILTIN_TEMPLATE_DIR)).map((f) => path.join(BUILTIN_TEMPLATE_DIR, f)),
      ...(await readdir(path.join(BUILTIN_TEMPLATE_DIR, 'partials'))).map((f) => path.join(BUILTIN_TEMPLATE_DIR, 'partials', f)),
    ].filter((f) => /\.(hbs|css)$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(await readFile(f, 'utf8'), f).not.toMatch(/\{\{\{|\{\{&|\{\{~?\s*&/);
  });

  it('come compiled ahead of time, the same as compiled at run time, and checked (src/render/builtin-templates.ts is up to date)', async () => {
    const text = readFileSync(new URL('../../src/render/builtin-templates.ts', import.meta.url), 'utf8');
    // @ts-expect-error plain ESM helper shared with scripts/precompile-templates.mjs
    const { precompiledModule } = await import('../../scripts/templates-lib.mjs');
    expect(precompiledModule() === text, 'src/render/builtin-templates.ts is stale: run `node scripts/precompile-templates.mjs`').toBe(true);
    // Compiled at run time, every built-in template passes the checks and prints the same bytes.
    const atRunTime = await loadTemplates(undefined, { precompiled: false });
    const sample = sampleModel({ events: 120, hostile: true, integrity: true, comparison: true });
    for (const ctx of [SCREEN, PDF]) {
      const a = await renderDocument(sample, ctx);
      const b = await renderDocument(sample, { ...ctx, templates: atRunTime });
      expect([b.html, b.pdfHeader, b.pdfFooter]).toEqual([a.html, a.pdfHeader, a.pdfFooter]);
    }
  });

  it('user partials and styles override the built-ins by file name; the rest falls back', async () => {
    const d = await userDir({
      'partials/header.hbs': '<header class="doc-header" id="top"><h1 class="custom">ACME audit: {{header.title}}</h1>{{> extra}}</header>',
      'partials/extra.hbs': '<p class="extra">Prepared for {{header.organization}}</p>',
      'styles.css': 'body { font-family: "ACME Sans", sans-serif; }',
    });
    const html = await htmlText(model, { ...SCREEN, templateDir: d });
    const root = expectInert(html);
    expect(root.querySelector('h1.custom')?.text).toBe(`ACME audit: ${model.title}`);
    expect(root.querySelector('p.extra')?.text).toContain('o-a1b2c3d4e5');
    expect(root.querySelector('style')?.text).toContain('ACME Sans');
    expect(root.querySelector('style')?.text).not.toContain('--navy');
    expect(root.querySelectorAll('section.section').map((s) => s.id)).toEqual(SECTIONS.filter((s) => s !== 'integrity'));
    expect(rows(root, 'appendix')).toHaveLength(model.events.length);
    const t = await loadTemplates(d);
    expect(t.files['partials/header']).toBe(path.join(d, 'partials', 'header.hbs'));
    expect(t.files['partials/summary']).toBe(path.join(BUILTIN_TEMPLATE_DIR, 'partials', 'summary.hbs'));
  });

  it('a user report.hbs can use the built-in partials', async () => {
    const d = await userDir({ 'report.hbs': '<!DOCTYPE html><html><head><title>{{meta.title}}</title></head><body>{{> findings}}<p id="n">{{appendix.table.total}}</p></body></html>' });
    const root = parse(await htmlText(model, { ...SCREEN, templateDir: d }));
    expect(root.querySelectorAll('#findings [id^="finding-"]')).toHaveLength(model.findings.length);
    expect(root.querySelector('#n')?.text).toBe(String(model.events.length));
  });

  it('a broken template fails before rendering, naming the file and the line', async () => {
    expect(await failure({ 'partials/header.hbs': '<header>\n<h1>{{header.title}}</h1>\n{{#if header.organization}}\n<p>x</p>\n' })).toBe(
      '<dir>/partials/header.hbs line 5: parse error: unexpected end of the template: a {{#block}} is not closed',
    );
    expect(await failure({ 'partials/toc.hbs': '<nav>\n{{#each toc}}\n<a>{{title}}</a>\n{{/if}}\n</nav>' })).toBe(
      "<dir>/partials/toc.hbs line 2: each doesn't match if",
    );
    // Even a partial the report never uses is checked.
    expect(await failure({ 'partials/unused.hbs': 'fine\n{{/if}}' })).toMatch(/^<dir>\/partials\/unused\.hbs line 2: parse error: Expecting /);
  });

  it('refuses unescaped output, unknown helpers, missing or dynamic partials, and decorators', async () => {
    expect(await failure({ 'partials/header.hbs': '<header>\n\n{{{header.title}}}</header>' })).toBe(
      '<dir>/partials/header.hbs line 3: unescaped output ({{{ }}} or {{& }}) is not allowed: every value is log data; use {{ }}',
    );
    expect(await failure({ 'partials/header.hbs': '<p>{{& header.title}}</p>' })).toMatch(/line 1: unescaped output/);
    expect(await failure({ 'pdf-footer.hbs': '<p>{{json page}}</p>' })).toBe(
      '<dir>/pdf-footer.hbs line 1: unknown helper "json": only if, unless, each, with, lookup and log exist; compute values in the view model',
    );
    expect(await failure({ 'partials/header.hbs': '<p>{{#if (json x)}}y{{/if}}</p>' })).toMatch(/unknown helper "json"/);
    expect(await failure({ 'partials/header.hbs': 'a\n{{> nope}}' })).toBe(
      '<dir>/partials/header.hbs line 2: partial "nope" does not exist (built-in or in the template folder\'s partials/)',
    );
    expect(await failure({ 'partials/header.hbs': '{{> (lookup . "x")}}' })).toMatch(/dynamic partials are not allowed/);
    expect(await failure({ 'partials/header.hbs': '{{* decorate}}' })).toMatch(/decorators are not allowed/);
  });

  it('refuses a misplaced template and a missing folder', async () => {
    expect(await failure({ 'header.hbs': '<header></header>' })).toMatch(/^<dir>\/header\.hbs: unknown template name .*put partials in <dir>\/partials\/\)$/);
    const err = await loadTemplates(path.join(dir, 'does-not-exist')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message).toMatch(/^template folder not found: .*does-not-exist/);
  });

  it('prints user row templates the same in pieces: @index, @first, @last, ../, block params, length', async () => {
    const d = await userDir({
      'partials/appendix.hbs':
        '<section class="section major" id="appendix"><p id="n">{{appendix.table.chunks.0.rows.length}} {{appendix.table.chunks.0.rows.1.eventId}}</p>' +
        '{{#each appendix.table.chunks}}<table><tbody>{{#each rows as |row i|}}<tr id="{{row.anchor}}" data-i="{{i}}"{{#if @first}} class="first"{{/if}}{{#if @last}} class="last"{{/if}}>' +
        '<td>{{@index}} {{row.time}} {{../rows.length}} {{@root.meta.timeZone}}</td></tr>{{/each}}</tbody></table>{{/each}}</section>',
    });
    const ctx = { ...SCREEN, templateDir: d };
    const whole = await htmlText(model, ctx);
    expect([...(await renderHtml(model, ctx))].join('')).toBe(whole);
    const root = parse(whole);
    const trs = rows(root, 'appendix');
    expect(trs).toHaveLength(model.events.length);
    expect(trs[0]?.classNames).toBe('first');
    expect(trs[trs.length - 1]?.classNames).toBe('last');
    expect(trs[2]?.getAttribute('data-i')).toBe('2');
    expect(trs[2]?.text).toContain(`2 `);
    expect(trs[2]?.text).toContain(`${model.events.length} Europe/Paris`);
    expect(root.querySelector('#n')?.text).toBe(`${model.events.length} ${model.events[1]?.eventId}`);
  });

  it('gives a user partial the @ data of the built-in loops around it (built-in templates alone run without it)', async () => {
    const d = await userDir({
      'partials/link.hbs': '<span class="user-link" data-i="{{@index}}" data-first="{{@first}}" data-zone="{{@root.meta.timeZone}}">{{text}}</span>',
    });
    const ctx = { ...SCREEN, templateDir: d };
    const whole = await htmlText(model, ctx);
    expect([...(await renderHtml(model, ctx))].join('')).toBe(whole);
    const many = parse(whole)
      .querySelectorAll('#findings span.links')
      .map((list) => list.querySelectorAll('span.user-link'))
      .find((links) => links.length > 1) as HTMLElement[];
    expect(many.map((a) => [a.getAttribute('data-i'), a.getAttribute('data-first'), a.getAttribute('data-zone')])).toEqual(
      many.map((_, i) => [String(i), String(i === 0), 'Europe/Paris']),
    );
  });

  it('refuses a helper given the wrong number of values before rendering, naming the partial\'s file and line', async () => {
    // Handlebars itself only finds these when the template runs (and then cannot say where).
    expect(await failure({ 'partials/appendix.hbs': '<section id="appendix">\n{{#each appendix.table.chunks}}{{#each rows}}\n{{#with time eventId}}x{{/with}}{{/each}}{{/each}}</section>' })).toBe(
      '<dir>/partials/appendix.hbs line 3: {{#with}} takes exactly one value, not 2',
    );
    expect(await failure({ 'partials/appendix.hbs': '<section id="appendix">{{#each appendix.table.chunks}}{{#each rows}}{{#if eventId 1}}x{{/if}}{{/each}}{{/each}}</section>' })).toBe(
      '<dir>/partials/appendix.hbs line 1: {{#if}} takes exactly one value, not 2',
    );
    expect(await failure({ 'partials/header.hbs': '<p>{{#each}}x{{/each}}</p>' })).toBe('<dir>/partials/header.hbs line 1: {{#each}} takes exactly one value, not 0');
    expect(await failure({ 'partials/header.hbs': '<p>\n{{lookup header}}</p>' })).toBe('<dir>/partials/header.hbs line 2: {{lookup}} takes exactly 2 values, not 1');
  });

  it('lets log take any number of values, and the other helpers theirs', async () => {
    const d = await userDir({ 'partials/header.hbs': '<p id="p">{{log "a" level="debug"}}{{log "a" "b" "c" level="debug"}}{{#with meta}}{{lookup this "title"}}{{/with}}</p>' });
    const root = parse(await htmlText(model, { ...SCREEN, templateDir: d }));
    expect(root.querySelector('#p')?.text).toBe(model.title);
  });

  it('names the partial a runtime error happens in, in its rows too, whether the document is written in pieces or whole', async () => {
    // A partial that includes itself passes every check, and fails only when it runs.
    const files = {
      'partials/appendix.hbs': '<section id="appendix">{{#each appendix.table.chunks}}{{#each rows}}{{> deep}}{{/each}}{{/each}}</section>',
      'partials/deep.hbs': '<span>{{> deep}}</span>',
    };
    const d = await userDir(files);
    const pieces = (await renderHtml(model, { ...SCREEN, templateDir: d }))[Symbol.iterator]();
    let err: unknown;
    try {
      for (let p = pieces.next(); !p.done; p = pieces.next());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    expect((err as Error).message.split(d).join('<dir>')).toBe('<dir>/partials/deep.hbs: Maximum call stack size exceeded');
    expect(await failure(files)).toBe('<dir>/partials/deep.hbs: Maximum call stack size exceeded');
  });

  it('names the partial whose own row block fails, not the report that holds it', async () => {
    const d = await userDir({ 'partials/appendix.hbs': '<section id="appendix">{{#each appendix.table.chunks}}{{#each rows}}<p>{{eventId}}</p>{{/each}}{{/each}}</section>' });
    const templates = await loadTemplates(d);
    const view = buildView(model, SCREEN);
    // A value that fails when the row block reads it: as a template's own failure would.
    const row = { anchor: 'a' };
    Object.defineProperty(row, 'eventId', { enumerable: true, get: () => { throw new Error('cannot print this'); } });
    (view.appendix.table.chunks[0] as { rows: unknown[] }).rows = lazyRows(2, () => row);
    const expected = `${path.join(d, 'partials', 'appendix.hbs')}: cannot print this`;
    expect(() => [...templates.reportPieces(view)]).toThrow(expected);
    expect(() => templates.report(view)).toThrow(expected);
  });

  it('passes on a failure to make a row as it is: a bug, not a template error', async () => {
    const templates = await loadTemplates();
    const view = buildView(model, SCREEN);
    const bug = new TypeError('view bug');
    (view.appendix.table.chunks[0] as { rows: unknown[] }).rows = lazyRows(2, () => {
      throw bug;
    });
    expect(() => [...templates.reportPieces(view)]).toThrow(bug);
    expect(() => templates.report(view)).toThrow(bug);
  });

  it('does not let a template reach prototypes', async () => {
    const d = await userDir({ 'partials/header.hbs': '<p id="p">[{{meta.constructor}}][{{lookup meta "__proto__"}}][{{meta.title.constructor.name}}]</p>' });
    const root = parse(await htmlText(model, { ...SCREEN, templateDir: d }));
    expect(root.querySelector('#p')?.text).toBe('[][][]');
  });
});
