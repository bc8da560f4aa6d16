import { isWithin } from '@statetemplate/protocol';
import { describe, expect, it, vi } from 'vitest';
import { compile, RenderError, ROOT_ID, stripAnnotations, type Update } from '../src/index.js';
import { Renderer } from '../src/render.js';

const LIST = `<ul>{{#items}}<li class="{{#done}}done{{/done}}">{{name}}</li>{{/items}}</ul><p>{{count}}</p>`;
const items = (...ids: number[]) => ids.map((id) => ({ id, name: `item ${id}`, done: false }));
const actions = (updates: Update[]) => updates.map((u) => [u.action, u.fragment_id, u.ref ?? null]);

describe('updates between snapshots', () => {
  it('sends nothing when nothing changed', () => {
    const t = compile(LIST);
    const data = { items: items(1, 2, 3), count: 3 };
    const { state } = t.render(data);
    expect(t.update(state, data)).toEqual([]);
    expect(t.update(state, structuredClone(data))).toEqual([]);
  });

  it('replaces only the changed value region, escaped', () => {
    const t = compile(LIST);
    const { state } = t.render({ items: items(1), count: 1 });
    const updates = t.update(state, { items: items(1), count: '<b>2</b>' });
    expect(updates).toEqual([{ fragment_id: '2', html: '&lt;b&gt;2&lt;&#x2F;b&gt;', action: 'replace', timestamp: expect.any(Number) }]);
  });

  it('keeps raw triple mustaches raw by intent', () => {
    const t = compile('<div>{{{html}}}</div>');
    const { state } = t.render({ html: '<i>a</i>' });
    expect(t.update(state, { html: '<b>b</b>' })[0]!.html).toBe('<b>b</b>');
  });

  it('re-renders one list item for a field edit, in place or with fresh objects; sends only attributes where only they changed', () => {
    for (const inPlace of [true, false]) {
      const t = compile(LIST);
      const data = { items: items(1, 2, 3), count: 3 };
      const { state } = t.render(data);
      const next = inPlace ? data : structuredClone(data);
      next.items[1]!.done = true;
      expect(t.update(state, next)).toEqual([
        { fragment_id: '1:2', html: '', action: 'attrs', attrs: [{ element: 0, set: 'class=done' }], timestamp: expect.any(Number) },
      ]);
      next.items[1]!.name = 'edited';
      expect(t.update(state, next)).toEqual([
        { fragment_id: '1:2', html: '<li class="done">edited</li>', action: 'replace', timestamp: expect.any(Number) },
      ]);
    }
  });

  it('sends attribute changes by element, new ones last, and those after a new one again', () => {
    const t = compile('<ul>{{#items}}<li class="{{c}}"><input type="checkbox"{{#on}} checked{{/on}}><a{{#on}} title="x &amp; y"{{/on}} href="/{{id}}">{{id}}</a></li>{{/items}}</ul>');
    const data = { items: [{ id: 1, c: 'a', on: false }] };
    const { state } = t.render(data);
    const on = { items: [{ id: 1, c: 'a b', on: true }] };
    expect(t.update(state, on)[0]!.attrs).toEqual([
      { element: 0, set: 'class="a b"' },
      { element: 1, set: 'checked' },
      { element: 2, set: 'title="x &amp; y" href=/1', remove: ['href'] },
    ]);
    expect(t.update(state, data)[0]!.attrs).toEqual([
      { element: 0, set: 'class=a' },
      { element: 1, set: '', remove: ['checked'] },
      { element: 2, set: '', remove: ['title'] },
    ]);
  });

  it("replaces what raw '</' turned into a bogus comment instead of numbering the elements it swallowed", () => {
    const t = compile('<ul>{{#list}}<li>{{{raw}}} <b title="{{t}}">x</b></li>{{/list}}</ul>');
    const { state } = t.render({ list: [{ id: 1, raw: '</', t: 'a' }] });
    // The raw output keeps the item from being patched alone: the page it is on is replaced, not patched as attrs.
    expect(actions(t.update(state, { list: [{ id: 1, raw: '</', t: 'b' }] }))).toEqual([['replace', '0', null]]);
  });

  it('replaces what holds formatting elements that text reopens, instead of numbering them as written', () => {
    // The space after </pre> reopens the two <code>s, which hold the <p>: it is not the 3rd element, as written.
    const t = compile('<pre>{{{raw}}}</pre> <p class="{{c}}">x</p>');
    const { state } = t.render({ raw: '<code><code>', c: 'a' });
    expect(actions(t.update(state, { raw: '<code><code>', c: 'b' }))).toEqual([['replace', '0', null]]);
  });

  it('sends attributes in a whole document, in its body', () => {
    const t = compile('<!DOCTYPE html><html><head><title>{{t}}</title></head><body><p class="{{c}}">x</p></body></html>');
    const { state } = t.render({ t: 'a', c: 'a' });
    expect(t.update(state, { t: 'a', c: 'b' })).toEqual([
      { fragment_id: expect.any(String), html: '', action: 'attrs', attrs: [{ element: 0, set: 'class=b' }], timestamp: expect.any(Number) },
    ]);
  });

  it('places inserts, prepends, appends, removes and moves by key', () => {
    const t = compile(LIST);
    const data = { items: items(1, 2, 3, 4), count: 0 };
    const { state } = t.render(data);
    expect(actions(t.update(state, { ...data, items: items(0, 1, 2, 3, 4) }))).toEqual([['prepend', '1:0', null]]);
    expect(actions(t.update(state, { ...data, items: items(0, 1, 9, 2, 3, 4) }))).toEqual([['insert_after', '1:9', '1:1']]);
    expect(actions(t.update(state, { ...data, items: items(0, 1, 9, 2, 3, 4, 5, 6) }))).toEqual([
      ['append', '1:5', null],
      ['append', '1:6', null],
    ]);
    expect(actions(t.update(state, { ...data, items: items(1, 9, 3, 4, 5) }))).toEqual([
      ['remove', '1:0', null],
      ['remove', '1:2', null],
      ['remove', '1:6', null],
    ]);
    expect(actions(t.update(state, { ...data, items: items(5, 1, 9, 3, 4) }))).toEqual([['move_first', '1:5', null]]);
    expect(actions(t.update(state, { ...data, items: items(5, 9, 3, 1, 4) }))).toEqual([['move_after', '1:1', '1:3']]);
  });

  it('stamps every update of one call with the same timestamp', () => {
    const t = compile(LIST);
    const { state } = t.render({ items: items(1), count: 1 });
    const updates = t.update(state, { items: items(2), count: 2 }, { now: 42 });
    expect(updates.length).toBeGreaterThan(1);
    expect(updates.every((u) => u.timestamp === 42)).toBe(true);
  });

  it('replaces the whole list region when the section stops being an array', () => {
    const t = compile('<div>{{#items}}<i>{{.}}</i>{{/items}}</div>');
    const { state } = t.render({ items: ['a', 'b'] });
    expect(t.update(state, { items: { 0: 'x' } })).toEqual([
      { fragment_id: '1', html: '<i>[object Object]</i>', action: 'replace', timestamp: expect.any(Number) },
    ]);
    expect(actions(t.update(state, { items: [] }))).toEqual([['replace', '1', null]]);
    expect(actions(t.update(state, { items: ['z'] }))).toEqual([['append', '1:0', null]]);
  });

  it('addresses nested lists inside items by path', () => {
    const t = compile('{{#groups}}<section>{{#rows}}<p>{{v}}</p>{{/rows}}</section>{{/groups}}');
    const data = { groups: [{ id: 'g', rows: [{ id: 'r1', v: 1 }, { id: 'r2', v: 2 }] }] };
    const { state } = t.render(data);
    data.groups[0]!.rows[1]!.v = 3;
    expect(actions(t.update(state, data))).toEqual([['replace', '2:g/1:r2', null]]);
  });

  it('wraps an element whose tag holds a dynamic, outside sections', () => {
    const t = compile('<main><p class="{{cls}}">text {{x}}</p></main>');
    const { html, state } = t.render({ cls: 'a', x: 1 });
    expect(html).toBe('<main><!--[2--><p class="a">text <!--[1-->1<!--]--></p><!--]--></main>');
    expect(t.update(state, { cls: 'b', x: 1 })).toEqual([
      { fragment_id: '2', html: '', action: 'attrs', attrs: [{ element: 0, set: 'class=b' }], timestamp: expect.any(Number) },
    ]);
    expect(actions(t.update(state, { cls: 'b', x: 2 }))).toEqual([['replace', '2/1', null]]);
  });

  it('re-renders only the edited item of a 10,000-item list', () => {
    const t = compile(LIST);
    const data = { items: items(...Array.from({ length: 10_000 }, (_, i) => i)), count: 1 };
    const { state } = t.render(data);
    data.items[7_777]!.name = 'edited';
    const spy = vi.spyOn(Renderer.prototype, 'item');
    const updates = t.update(state, data);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(updates).toHaveLength(1);
    expect(isWithin(updates[0]!.fragment_id, '1:7777')).toBe(true);
  });

  it('keeps working on a state that went through JSON', () => {
    const t = compile(LIST);
    const data = { items: items(1, 2), count: 2 };
    const state = JSON.parse(JSON.stringify(t.render(data).state));
    data.items.push(...items(3));
    expect(actions(t.update(state, data))).toEqual([['append', '1:3', null]]);
    expect(state).toEqual(t.render(data).state);
  });

  it('falls back to a root replace for a state from another template', () => {
    const { state } = compile('<p>{{a}}</p>').render({ a: 1 });
    const updates = compile('<div>{{a}}</div>').update(state, { a: 1 });
    expect(actions(updates)).toEqual([['replace', ROOT_ID, null]]);
    expect(stripAnnotations(updates[0]!.html)).toBe('<div>1</div>');
  });

  it('keys lists by index when keys are missing or repeated, still correctly', () => {
    const t = compile('{{#items}}<b>{{n}}</b>{{/items}}');
    const { state } = t.render({ items: [{ n: 1 }, { n: 2 }] });
    expect(actions(t.update(state, { items: [{ n: 2 }] }))).toEqual([
      ['remove', '1:1', null],
      ['replace', '1:0', null],
    ]);
    const dup = compile('{{#items}}<b>{{n}}</b>{{/items}}').render({ items: [{ id: 1, n: 1 }, { id: 1, n: 2 }] });
    expect(dup.html).toContain('<!--:0-->');
  });

  it('uses a configurable key field and encodes any key safely', () => {
    const t = compile('{{#items}}<b>{{n}}</b>{{/items}}', { key: 'slug' });
    const { html } = t.render({ items: [{ slug: 'a-->b', n: 1 }] });
    expect(html).toBe('<!--[1--><!--:a%2D%2D%3Eb--><b>1</b><!--]-->');
  });
});

describe("granularity 'value'", () => {
  const ROW = '<table><tbody>{{#rows}}<tr><td>{{id}}</td><td class="{{cls}}">{{name}}</td><td>{{score}}</td></tr>{{/rows}}</tbody></table>';
  const rows = () => Array.from({ length: 3 }, (_, i) => ({ id: i, name: `n${i}`, score: i * 10, cls: 'c' }));

  it('sends only the edited cell of a row', () => {
    const t = compile(ROW, { granularity: 'value' });
    const data = { rows: rows() };
    const { state } = t.render(data);
    data.rows[1]!.score = 99;
    expect(t.update(state, data)).toEqual([{ fragment_id: '5:1/4', html: '99', action: 'replace', timestamp: expect.any(Number) }]);
    data.rows[2]!.cls = 'x';
    expect(actions(t.update(state, data))).toEqual([['replace', '5:2/3', null]]);
  });

  it('renders the same plain output as the default', () => {
    const data = { rows: rows() };
    expect(stripAnnotations(compile(ROW, { granularity: 'value' }).render(data).html)).toBe(compile(ROW).renderPlain(data));
  });
});

describe('renderState', () => {
  it('rebuilds the annotated page from the state alone', () => {
    const t = compile(LIST);
    const data = { items: items(1, 2), count: 2 };
    const { html, state } = t.render(data);
    expect(t.renderState(JSON.parse(JSON.stringify(state)))).toBe(html);
    data.items.push(...items(3));
    t.update(state, data);
    expect(t.renderState(state)).toBe(t.render(data).html);
  });

  it('refuses a state of another template', () => {
    const { state } = compile('<p>{{a}}</p>').render({ a: 1 });
    expect(() => compile('<div>{{a}}</div>').renderState(state)).toThrow(RenderError);
  });
});

describe('numeric and string keys', () => {
  it('tells a numeric id from a string id that only looks like it', () => {
    const t = compile('{{#items}}<b>{{n}}</b>{{/items}}');
    const { state } = t.render({ items: [{ id: '01', n: 1 }, { id: 2, n: 2 }] });
    expect(actions(t.update(state, { items: [{ id: 1, n: 3 }, { id: '2', n: 2 }] }))).toEqual([
      ['remove', '1:01', null],
      ['prepend', '1:1', null],
    ]);
  });
});

describe('no update when the page does not change', () => {
  /** Renders `first`, then updates to each of `next` in turn; returns each step's updates. */
  const steps = (source: string, first: unknown, ...next: unknown[]): Update[][] => {
    const t = compile(source);
    const { state } = t.render(first);
    return next.map((data) => {
      const updates = t.update(state, data);
      // Whatever the state kept, it still rebuilds what the page shows.
      expect(stripAnnotations(t.renderState(state))).toBe(t.renderPlain(data));
      return updates;
    });
  };
  const none = (count: number) => Array.from({ length: count }, () => []);

  it('records an empty list like false, in a region or an attribute', () => {
    const falsy = [false, null, undefined, '', 0, []];
    expect(steps('{{#s}}x{{/s}}', { s: [] }, ...falsy.map((s) => ({ s })))).toEqual(none(6));
    expect(steps('<p class="{{#s}}x{{/s}}">a</p>', { s: [] }, ...falsy.map((s) => ({ s })))).toEqual(none(6));
    expect(steps('{{^s}}x{{/s}}', { s: [] }, ...falsy.map((s) => ({ s })))).toEqual(none(6));
    const t = compile('<p class="{{#s}}x{{/s}}">a</p>');
    const { state } = t.render({ s: [] });
    t.update(state, { s: false });
    expect(state).toEqual(t.render({ s: false }).state); // equal records: the next diff stays on the fast path
  });

  it('compares a variable by its text', () => {
    expect(steps('<p>{{v}}</p>', { v: undefined }, { v: null }, { v: '' }, { v: undefined })).toEqual(none(3));
    expect(steps('<p>{{v}}</p>', { v: 1 }, { v: '1' }, { v: 1 })).toEqual(none(2));
  });

  it('sends nothing for an object swapped for true when the body does not read it', () => {
    expect(steps('<p>{{#o}}<b>{{t}}</b>{{/o}}</p>', { o: { a: 1 }, t: 'x' }, { o: true, t: 'x' }, { o: {}, t: 'x' })).toEqual(none(2));
  });

  it('sends nothing for a lambda with the same output, or a lambda swapped for the body it renders', () => {
    const lambda = (out: string) => () => () => out;
    expect(steps('<p>{{#l}}x{{/l}}</p>', { l: lambda('x') }, { l: lambda('x') }, { l: true })).toEqual(none(2));
  });

  it('keeps the list markers when a list becomes an object that renders the same', () => {
    const t = compile('{{#s}}<i>{{x}}</i>{{/s}}');
    const { state, html } = t.render({ s: [{ x: 1 }] });
    expect(t.update(state, { s: { x: 1 } })).toEqual([]);
    expect(t.renderState(state)).toBe(html); // the page kept its item marker
    expect(t.update(state, { s: { x: 2 } })).toEqual([{ fragment_id: '1', html: '<i>2</i>', action: 'replace', timestamp: expect.any(Number) }]);
  });

  it('sends nothing for new keys over the same items, a swap of equal items or removing an item that renders nothing', () => {
    const row = (id: number, n: unknown) => ({ id, n });
    const source = '<ul>{{#items}}<li>{{n}}</li>{{/items}}</ul>{{#empty}}{{n}}{{/empty}}';
    expect(steps(source, { items: [row(1, 'a'), row(2, 'a')] }, { items: [row(3, 'a'), row(4, 'a')] }, { items: [row(4, 'a'), row(3, 'a')] })).toEqual(none(2));
    expect(steps(source, { empty: [row(1, ''), row(2, 'b')] }, { empty: [row(2, 'b')] }, { empty: [row(3, null), row(2, 'b')] })).toEqual(none(2));
    // Kept old keys still place later edits right.
    expect(actions(steps(source, { items: [row(1, 'a')] }, { items: [row(2, 'a')] }, { items: [row(2, 'b')] })[1]!)).toEqual([
      ['remove', '1:1', null],
      ['append', '1:2', null],
    ]);
  });

  it('sends nothing when updates inside one scope cancel out', () => {
    expect(steps('<p>{{a}}{{b}}</p>', { a: 'x', b: '' }, { a: '', b: 'x' })).toEqual(none(1));
    const lists = '{{#a}}<i>x</i>{{/a}}{{#b}}<i>x</i>{{/b}}';
    expect(steps(lists, { a: [{ id: 1 }], b: [] }, { a: [], b: [{ id: 2 }] })).toEqual(none(1));
    expect(steps('<p>{{#items}}{{n}}{{/items}}</p>', { items: [{ id: 1, n: 'a' }, { id: 2, n: '' }] }, { items: [{ id: 1, n: '' }, { id: 2, n: 'a' }] })).toEqual(none(1));
  });
});
