import { applyUpdates } from '@statetemplate/client';
import { describe, expect, it } from 'vitest';
import { compile, RenderError, type CompileOptions, type RenderState, type Template } from '../src/index.js';
import { loadPage } from './property/dom.js';

interface Todo {
  id: number | string;
  text: string;
  done: boolean;
}

const todos = (n: number, from = 1): Todo[] => Array.from({ length: n }, (_, i) => ({ id: from + i, text: `t${from + i}`, done: false }));
const TODO = '<ul>{{#todos}}<li class="{{#done}}done{{/done}}">{{text}}</li>{{/todos}}</ul>';

/** A template, its live page and state: each step patches the page and checks it against a fresh render. */
function live(source: string, data: unknown, options: CompileOptions = {}) {
  const template = compile(source, { digestListsAbove: 3, ...options });
  const first = template.render(data);
  const page = loadPage(first.html, false);
  let state: RenderState = first.state;
  return {
    template,
    get state() {
      return state;
    },
    /** The state as a store gives it back. */
    roundTrip() {
      state = JSON.parse(JSON.stringify(state)) as RenderState;
    },
    step(next: unknown) {
      const updates = template.update(state, next, { now: 0 });
      applyUpdates(page, updates);
      expect(page.innerHTML.replace(/<!--[^>]*-->/g, '')).toBe(loadPage(template.renderPlain(next), false).innerHTML);
      return updates;
    },
  };
}

const list = (template: Template, state: RenderState) => JSON.parse(JSON.stringify(state)).r.c[0] as Record<string, unknown>;

describe('digested lists (digestListsAbove)', () => {
  it('keep keys in runs and 8 characters per item instead of the items', () => {
    const page = live(TODO, { todos: todos(5) });
    expect(list(page.template, page.state)).toEqual({ n: [[1, 5]], d: expect.stringMatching(/^[\w-]{40}$/) });
    expect(page.template.replayable(page.state)).toBe(false);
    const keys = [...todos(3, 7), { id: 'a', text: 'a', done: false }, { id: 12, text: 'x', done: false }, ...todos(2, 20)];
    page.step({ todos: keys });
    expect(list(page.template, page.state).n).toEqual([[7, 3], 'a', '12', [20, 2]]);
    // Without ids, items are keyed by position: one run.
    page.step({ todos: todos(6).map(({ text, done }) => ({ text, done })) });
    expect(list(page.template, page.state).n).toEqual([[0, 6]]);
    // At the threshold or below, the items' states are kept again.
    page.step({ todos: todos(3) });
    expect(list(page.template, page.state).k).toEqual(['1', '2', '3']);
    expect(page.template.replayable(page.state)).toBe(true);
  });

  it('replace a changed item whole and send nothing for unchanged data, also after a round trip through JSON', () => {
    const data = { todos: todos(6) };
    const page = live(TODO, data);
    const next = { todos: data.todos.with(2, { ...data.todos[2]!, done: true }) };
    expect(page.step(next)).toEqual([{ fragment_id: '1:3', action: 'replace', html: '<li class="done">t3</li>', timestamp: 0 }]);
    expect(page.step(next)).toEqual([]);
    page.roundTrip();
    expect(page.step(structuredClone(next))).toEqual([]);
    const moved = { todos: [next.todos[5]!, ...next.todos.slice(0, 5).reverse(), { id: 99, text: 'new', done: false }] };
    page.step(moved);
    page.roundTrip();
    page.step({ todos: moved.todos.filter((_, i) => i % 2 === 0).concat(todos(3, 50)) });
  });

  it('tell apart reads that only differ in where one text ends', () => {
    const page = live('<ul>{{#l}}<li>{{a}}{{b}}</li>{{/l}}</ul>', { l: [1, 2, 3, 4].map((id) => ({ id, a: 'ab', b: 'c' })) });
    expect(page.step({ l: [1, 2, 3, 4].map((id) => ({ id, a: id === 2 ? 'a' : 'ab', b: id === 2 ? 'bc' : 'c' })) })).toHaveLength(1);
  });

  it('digest an item alike whether its own fields answer or the general walk does', () => {
    // A function is the general walk's (it calls it); a plain value the generated read's: both record the same text.
    const page = live(TODO, { todos: todos(5) });
    expect(page.step({ todos: todos(5).map((t) => ({ ...t, text: () => t.text, done: () => t.done })) })).toEqual([]);
    expect(page.step({ todos: todos(5) })).toEqual([]);
  });

  it('grow past the threshold and shrink below it, keeping the page right', () => {
    const page = live(TODO, { todos: todos(2) });
    page.step({ todos: todos(5) });
    expect(page.template.replayable(page.state)).toBe(false);
    page.step({ todos: todos(4, 2) });
    // Below it again: the list is rendered afresh, as its kept items have no states.
    expect(page.step({ todos: todos(2, 3) })).toEqual([{ fragment_id: '1', action: 'replace', html: expect.any(String), timestamp: 0 }]);
    expect(page.template.replayable(page.state)).toBe(true);
    page.step({ todos: todos(9) });
  });

  it('digest nested lists and sections inside items, and lists inside items of lists', () => {
    const source = '<div>{{#groups}}<section><h2>{{name}}</h2>{{#admin}}<b>{{name}}!</b>{{/admin}}<ul>{{#items}}<li>{{label}}</li>{{/items}}</ul></section>{{/groups}}</div>';
    const group = (id: number, items: number, admin = false) => ({ id, name: `g${id}`, admin, items: Array.from({ length: items }, (_, i) => ({ id: i, label: `l${i}` })) });
    const page = live(source, { groups: [group(1, 5), group(2, 1)] });
    // Outer list below the threshold, the first group's own list above it.
    page.step({ groups: [group(1, 6), group(2, 1, true)] });
    page.step({ groups: [group(1, 6, true), group(2, 5), group(3, 2), group(4, 0)] });
    page.roundTrip();
    const data = { groups: [group(1, 6, true), group(2, 5), group(3, 2), group(4, 0)] };
    expect(page.step(data)).toEqual([]);
    data.groups[1]!.items[3]!.label = 'changed';
    // The inner item's own digest changed; the outer group's too: the outer list is digested, so the group is replaced whole.
    expect(page.step(data).map((u) => u.fragment_id)).toEqual(['3:2']);
    page.step({ groups: [group(4, 7), group(1, 1)] });
  });

  it('skip the very same objects with the immutable option, and see in-place changes without it', () => {
    let reads = 0;
    const item = (id: number) => ({
      id,
      get text() {
        reads++;
        return `t${id}`;
      },
    });
    const items = [1, 2, 3, 4, 5].map(item);
    const template = compile('<ul>{{#l}}<li>{{text}}</li>{{/l}}</ul>', { immutable: true, digestListsAbove: 3 });
    const { state } = template.render({ l: items });
    reads = 0;
    expect(template.update(state, { l: items.with(1, item(20)) })).toHaveLength(2); // remove, insert
    expect(reads).toBe(3); // the new item's: its digest, its values kept in memory, its html
    const mutable = { todos: todos(5) };
    const other = live(TODO, mutable);
    mutable.todos[4]!.text = 'edited';
    expect(other.step(mutable)).toEqual([{ fragment_id: '1:5', action: 'replace', html: '<li class="">edited</li>', timestamp: 0 }]);
  });

  it('cannot rebuild the page: renderState refuses, refresh renders the data afresh', () => {
    const page = live(TODO, { todos: todos(5) });
    expect(() => page.template.renderState(page.state)).toThrow(RenderError);
    expect(() => page.template.renderState(page.state)).toThrow(expect.objectContaining({ code: 'not_replayable' }));
    const state = page.state;
    const next = { todos: todos(6) };
    const { html, updates } = page.template.refresh(state, next, { now: 0 });
    expect(html).toBe(page.template.render(next).html);
    expect(updates).toEqual([{ fragment_id: '1:6', action: 'append', html: '<li class="">t6</li>', timestamp: 0 }]);
    expect(page.template.update(state, next)).toEqual([]);
  });

  it('refuses a negative threshold', () => {
    expect(() => compile(TODO, { digestListsAbove: -1 })).toThrow(RangeError);
  });
});
