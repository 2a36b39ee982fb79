import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { printInPieces, printRowsByRow, printWhole, RowFailure } from '../../src/render/print.js';
import { lazyRows, rowSource } from '../../src/render/rows.js';

const OPTIONS = { knownHelpersOnly: true, preventIndent: true, strict: false } as const;

/** A template compiled with Handlebars' own `each`, and the same with lazy rows printed row by row. */
function pair(source: string, partials: Record<string, string> = {}) {
  const plain = Handlebars.create();
  const lazy = Handlebars.create();
  printRowsByRow(lazy);
  for (const [name, text] of Object.entries(partials)) {
    plain.registerPartial(name, plain.compile(text, OPTIONS));
    lazy.registerPartial(name, lazy.compile(text, OPTIONS));
  }
  return { plain: plain.compile(source, OPTIONS), lazy: lazy.compile(source, OPTIONS) };
}

/** The same rows as a plain array and as lazy rows counting the rows made. */
function rowsOf<T>(items: T[]) {
  const made: number[] = [];
  return {
    plain: items,
    lazy: lazyRows(items.length, (i) => {
      made.push(i);
      return items[i] as T;
    }),
    made,
  };
}

describe('lazy rows', () => {
  it('read like an array', () => {
    const { lazy, made } = rowsOf(['a', 'b', 'c']);
    expect(Array.isArray(lazy)).toBe(true);
    expect(lazy.length).toBe(3);
    expect(made).toEqual([]);
    expect(lazy[2]).toBe('c');
    expect(1 in lazy).toBe(true);
    expect(3 in lazy).toBe(false);
    expect(lazy['01' as unknown as number]).toBeUndefined();
    expect(made).toEqual([2]);
    expect([...lazy]).toEqual(['a', 'b', 'c']);
    expect(Object.keys(lazy)).toEqual(['0', '1', '2']);
    expect(lazy.map((s) => s.toUpperCase())).toEqual(['A', 'B', 'C']);
    expect(made).toEqual([2, 0, 1]);
    expect(rowSource(lazy)?.length).toBe(3);
    expect(rowSource(['a'])).toBeUndefined();
    expect(rowSource(null)).toBeUndefined();
  });
});

describe('printing lazy rows', () => {
  const view = (rows: unknown) => ({ title: 'T<', note: 'n', table: { rows } });
  const source =
    '<h1>{{title}}</h1>{{#each table.rows as |row i|}}<p data-i="{{i}}" class="{{#if @first}}first{{/if}}{{#if @last}} last{{/if}}">' +
    '{{@index}}/{{@key}} {{row.name}} {{../title}} {{@root.note}} {{#each row.tags}}[{{this}}@{{@index}}{{#if @../first}}!{{/if}}]{{/each}}' +
    '{{> cell}}</p>{{else}}<p>none</p>{{/each}}<i>{{table.rows.length}} {{lookup table.rows 1}}</i>{{#table.rows}}<b>{{name}}</b>{{/table.rows}}';
  const partials = { cell: '<span>{{name}}&{{tags.length}}</span>' };
  const items = [
    { name: 'a"', tags: ['x', 'y'] },
    { name: 'b', tags: [] },
    { name: 'c', tags: ['z'] },
  ];

  it("prints what Handlebars' own each prints: @index, @key, @first, @last, ../, @root, block params, partials, else", () => {
    const t = pair(source, partials);
    const expected = t.plain(view(items));
    expect(expected).toContain('data-i="2"');
    expect(printWhole(() => t.lazy(view(rowsOf(items).lazy)))).toBe(expected);
    expect([...printInPieces(() => t.lazy(view(rowsOf(items).lazy)))].join('')).toBe(expected);
    expect([...printInPieces(() => t.lazy(view(rowsOf([]).lazy)))].join('')).toBe(t.plain(view([])));
    expect([...printInPieces(() => t.lazy(view(items)))].join('')).toBe(expected);
  });

  it('makes and prints one row at a time while the pieces are read', () => {
    const t = pair('<table>{{#each rows}}<tr>{{this}}</tr>{{/each}}</table><p>end</p>');
    const { lazy, made } = rowsOf(Array.from({ length: 1000 }, (_, i) => `row ${i}`));
    const pieces = printInPieces(() => t.lazy({ rows: lazy }));
    expect(pieces.next().value).toBe('<table>');
    expect(made).toEqual([]);
    expect(pieces.next().value).toBe('<tr>row 0</tr>');
    expect(made).toEqual([0]);
    expect(pieces.next().value).toBe('<tr>row 1</tr>');
    expect(made).toEqual([0, 1]);
    const rest = [...pieces];
    expect(rest).toHaveLength(999);
    expect(rest.slice(-1)).toEqual(['</table><p>end</p>']);
    expect(made).toHaveLength(1000);
  });

  it('prints lazy rows inside lazy rows, and marks nothing when printed whole', () => {
    const t = pair('{{#each groups}}<g>{{name}}:{{#each members}}<m>{{this}}</m>{{/each}}</g>{{/each}}');
    const groups = [
      { name: 'one', members: ['a', 'b'] },
      { name: 'two', members: ['c'] },
    ];
    const lazyGroups = () => lazyRows(groups.length, (i) => ({ name: groups[i]?.name, members: rowsOf(groups[i]?.members ?? []).lazy }));
    const expected = t.plain({ groups });
    expect([...printInPieces(() => t.lazy({ groups: lazyGroups() }))].join('')).toBe(expected);
    expect(printWhole(() => t.lazy({ groups: lazyGroups() }))).toBe(expected);
    expect(printWhole(() => t.lazy({ groups: lazyGroups() }))).not.toContain('\u0000');
  });

  it('tells a row that could not be made from a template error', () => {
    const t = pair('<p>{{#each rows}}{{this}}{{/each}}</p>');
    const bug = new TypeError('view bug');
    const rows = lazyRows(1, () => {
      throw bug;
    });
    let err: unknown;
    try {
      for (const piece of printInPieces(() => t.lazy({ rows }))) expect(piece).toBe('<p>');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RowFailure);
    expect((err as RowFailure).error).toBe(bug);
  });

  it('passes an error of a row on to the reader of the pieces', () => {
    const t = pair('<p>{{#each rows}}{{#if this 1}}x{{/if}}{{/each}}</p>');
    const pieces = printInPieces(() => t.lazy({ rows: rowsOf(['a']).lazy }));
    expect(pieces.next().value).toBe('<p>');
    expect(() => pieces.next()).toThrow(/#if requires exactly one argument/);
  });
});
