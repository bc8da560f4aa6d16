import { describe, expect, it } from 'vitest';
import { applyUpdate, applyUpdates } from '../src/index.js';
import { page, update } from './dom.js';

/**
 * Every list action in every HTML context. The list is kept as a model
 * ([key, text] pairs); after each action the page must equal the model
 * rendered afresh with the contract's markers.
 */
interface Context {
  name: string;
  /** The list's fragment id; its last segment is the list's region id. */
  list: string;
  wrap: (list: string) => string;
  item: (text: string) => string;
}

const region = (ctx: Context) => ctx.list.slice(ctx.list.lastIndexOf('/') + 1);
type Model = [key: string, text: string][];
const items = (ctx: Context, model: Model) => model.map(([key, text]) => `<!--:${key}-->${ctx.item(text)}`).join('');
const render = (ctx: Context, model: Model) => ctx.wrap(`<!--[${region(ctx)}-->${items(ctx, model)}<!--]-->`);

const contexts: Context[] = [
  { name: 'list items in <ul>', list: '1', wrap: (l) => `<ul>${l}</ul>`, item: (t) => `<li>${t}</li>` },
  {
    name: 'table rows in <tbody>',
    list: '1',
    wrap: (l) => `<table><tbody>${l}</tbody></table>`,
    item: (t) => `<tr><td>${t}</td><td>${t}!</td></tr>`,
  },
  { name: 'cells in <tr>', list: '1', wrap: (l) => `<table><tbody><tr>${l}</tr></tbody></table>`, item: (t) => `<td>${t}</td>` },
  { name: 'options in <select>', list: '1', wrap: (l) => `<select>${l}</select>`, item: (t) => `<option value="${t}">${t}</option>` },
  { name: 'text between elements', list: '1', wrap: (l) => `<p><b>x</b>${l}<i>y</i></p>`, item: (t) => `${t}; ` },
  {
    name: 'items of several nodes (text and elements)',
    list: '1',
    wrap: (l) => `<div>${l}</div>`,
    item: (t) => `${t} <b>${t}</b><i>!</i> tail`,
  },
  {
    // Nested regions, with item markers of their own, sit among the list's items: depth counting must skip them.
    name: 'items holding nested regions at the list level',
    list: '1',
    wrap: (l) => `<div>${l}</div>`,
    item: (t) => `<p>${t}</p><!--[2--><!--:a-->${t}<!--:b--><!--[3-->${t}<!--]--><!--]-->`,
  },
  {
    // A list nested in an item of an outer list; a decoy list with the same region id and keys comes first.
    name: 'a list nested in an item (3:a/5)',
    list: '3:a/5',
    wrap: (l) =>
      '<ul><!--[3--><!--:z--><li>z<ol><!--[5--><!--:a--><li>decoy a</li><!--:b--><li>decoy b</li><!--]--></ol></li>' +
      `<!--:a--><li>a<ol>${l}</ol></li><!--:b--><li>b</li><!--]--></ul>`,
    item: (t) => `<li>${t}</li>`,
  },
];

const base: Model = [
  ['a', 'A'],
  ['b', 'B'],
  ['c', 'C'],
];
const x = (ctx: Context) => `${ctx.list}:`;

/** [what is proved, the update, the model after it]. */
const cases: [string, (ctx: Context) => ReturnType<typeof update>, Model][] = [
  ['replace swaps the first item content', (c) => update('replace', x(c) + 'a', c.item('A2')), [['a', 'A2'], base[1]!, base[2]!]],
  ['replace swaps a middle item content', (c) => update('replace', x(c) + 'b', c.item('B2')), [base[0]!, ['b', 'B2'], base[2]!]],
  ['replace swaps the last item content', (c) => update('replace', x(c) + 'c', c.item('C2')), [base[0]!, base[1]!, ['c', 'C2']]],
  [
    'replace of the list region installs new items',
    (c) => update('replace', c.list, items(c, [['x', 'X'], ['y', 'Y']])),
    [['x', 'X'], ['y', 'Y']],
  ],
  ['replace of the list region with nothing empties it', (c) => update('replace', c.list, ''), []],
  ['remove drops the first item', (c) => update('remove', x(c) + 'a'), [base[1]!, base[2]!]],
  ['remove drops a middle item', (c) => update('remove', x(c) + 'b'), [base[0]!, base[2]!]],
  ['remove drops the last item', (c) => update('remove', x(c) + 'c'), [base[0]!, base[1]!]],
  ['append adds at the end', (c) => update('append', x(c) + 'd', c.item('D')), [...base, ['d', 'D']]],
  ['prepend adds at the start', (c) => update('prepend', x(c) + 'd', c.item('D')), [['d', 'D'], ...base]],
  [
    'insert_after lands after the first item',
    (c) => update('insert_after', x(c) + 'd', c.item('D'), x(c) + 'a'),
    [base[0]!, ['d', 'D'], base[1]!, base[2]!],
  ],
  [
    'insert_after lands after the last item',
    (c) => update('insert_after', x(c) + 'd', c.item('D'), x(c) + 'c'),
    [...base, ['d', 'D']],
  ],
  ['move_after takes the first item to the end', (c) => update('move_after', x(c) + 'a', '', x(c) + 'c'), [base[1]!, base[2]!, base[0]!]],
  ['move_after takes the last item after the first', (c) => update('move_after', x(c) + 'c', '', x(c) + 'a'), [base[0]!, base[2]!, base[1]!]],
  ['move_after onto its current place changes nothing', (c) => update('move_after', x(c) + 'b', '', x(c) + 'a'), base],
  ['move_after itself changes nothing', (c) => update('move_after', x(c) + 'b', '', x(c) + 'b'), base],
  ['move_first takes the last item to the start', (c) => update('move_first', x(c) + 'c'), [base[2]!, base[0]!, base[1]!]],
  ['move_first takes a middle item to the start', (c) => update('move_first', x(c) + 'b'), [base[1]!, base[0]!, base[2]!]],
  ['move_first of the first item changes nothing', (c) => update('move_first', x(c) + 'a'), base],
];

describe.each(contexts)('$name', (ctx) => {
  it.each(cases)('%s', (_, make, after) => {
    const { root, normal } = page(render(ctx, base));
    applyUpdate(root, make(ctx));
    expect(root.innerHTML).toBe(normal(render(ctx, after)));
  });

  it('empties the list item by item, then fills it again from both ends', () => {
    const { root, normal } = page(render(ctx, base));
    applyUpdates(root, [
      update('remove', x(ctx) + 'b'),
      update('remove', x(ctx) + 'a'),
      update('remove', x(ctx) + 'c'),
      update('append', x(ctx) + 'd', ctx.item('D')),
      update('prepend', x(ctx) + 'e', ctx.item('E')),
      update('insert_after', x(ctx) + 'f', ctx.item('F'), x(ctx) + 'd'),
    ]);
    expect(root.innerHTML).toBe(normal(render(ctx, [['e', 'E'], ['d', 'D'], ['f', 'F']])));
  });

  it('addresses items added by earlier updates, and regions inside them', () => {
    const { root, normal } = page(render(ctx, base));
    applyUpdates(root, [
      update('append', x(ctx) + 'd', ctx.item('D')),
      update('move_first', x(ctx) + 'd'),
      update('replace', x(ctx) + 'd', ctx.item('D2')),
      update('move_after', x(ctx) + 'c', '', x(ctx) + 'd'),
    ]);
    expect(root.innerHTML).toBe(normal(render(ctx, [['d', 'D2'], base[2]!, base[0]!, base[1]!])));
  });
});
