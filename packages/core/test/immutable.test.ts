import { describe, expect, it } from 'vitest';
import { compile, type Template, type RenderState } from '../src/index.js';
import { applyUpdates } from '@statetemplate/client';
import { loadPage } from './property/dom.js';

interface Todo {
  id: number;
  text: string;
  done: boolean;
}

const todos = (n: number): Todo[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, text: `t${i + 1}`, done: false }));

/** Patches `page` from `state` to `data` and checks it against a fresh render. */
function step(template: Template, state: RenderState, page: Element, data: unknown, options?: { immutable?: boolean }): void {
  applyUpdates(page, template.update(state, data, { now: 0, ...options }));
  expect(page.innerHTML.replace(/<!--[^>]*-->/g, '')).toBe(loadPage(template.renderPlain(data), false).innerHTML);
}

describe('the immutable option', () => {
  it('skips the items that are the objects rendered last time, and sends the changed one', () => {
    const template = compile('<ul>{{#todos}}<li class="{{#done}}done{{/done}}">{{text}}</li>{{/todos}}</ul>', { immutable: true });
    let data = { todos: todos(50) };
    const first = template.render(data);
    const page = loadPage(first.html, false);
    const list = data.todos.slice();
    list[7] = { ...list[7]!, done: true };
    data = { todos: list };
    const updates = template.update(first.state, data, { now: 0 });
    expect(updates).toEqual([{ fragment_id: '1:8', action: 'attrs', html: '', attrs: [{ element: 0, set: 'class=done' }], timestamp: 0 }]);
    applyUpdates(page, updates);
    // Appended, removed and moved around the kept objects.
    data = { todos: [{ id: 99, text: 'new', done: false }, ...list.slice(10, 30).reverse(), ...list.slice(0, 10)] };
    step(template, first.state, page, data);
    data = { todos: data.todos.map((t, i) => (i % 5 === 0 ? { ...t, text: `${t.text}!` } : t)) };
    step(template, first.state, page, data);
  });

  it('still sends what changed outside an unchanged item that reads it', () => {
    // `unit` is not an item field: each item reads it from the page, so the same item object shows it anew.
    const template = compile('<ul>{{#items}}<li>{{n}} {{unit}}{{#tag}}{{.}}{{/tag}}</li>{{/items}}</ul>', { immutable: true });
    const items = [{ id: 1, n: 1 }, { id: 2, n: 2, tag: 'x' }];
    const first = template.render({ items, unit: 'kg' });
    const page = loadPage(first.html, false);
    step(template, first.state, page, { items, unit: 'lb' });
    step(template, first.state, page, { items, unit: 'lb', tag: 'y' });
    // A function-valued field is called each time: its item is never skipped.
    let calls = 0;
    const counted = [{ id: 1, n: () => (calls++, 7) }];
    const again = template.render({ items: counted, unit: '' });
    const rendered = calls;
    template.update(again.state, { items: counted, unit: '' });
    expect(calls).toBeGreaterThan(rendered);
  });

  it('can be turned off for one update whose data was changed in place', () => {
    const template = compile('<ul>{{#todos}}<li>{{text}}</li>{{/todos}}</ul>', { immutable: true });
    const data = { todos: todos(3) };
    const { state, html } = template.render(data);
    data.todos[1]!.text = 'edited in place';
    step(template, state, loadPage(html, false), data, { immutable: false });
  });
});
