// The floor (floor.mjs) cannot cheat: its updates, applied to the page,
// give the very page core's updates give, markers included.
import { applyUpdates } from '@statetemplate/client';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.ts';
import { canonicalHtml, loadPage, markedHtml } from '../test/property/dom.ts';
import { startFloor } from './floor.mjs';
import { TODO_TEMPLATE, todoData } from './todo-page.mjs';

const at = (list, i, change) => list.with(i, { ...list[i], ...change });

/** Changes with structural sharing: a new array, new objects only for changed items. */
const steps = [
  ['toggle one', (d) => ({ ...d, todos: at(d.todos, 1, { done: !d.todos[1].done }) })],
  ['append one', (d) => ({ ...d, todos: [...d.todos, { id: 100, text: 'new <b> & "q"', done: false }] })],
  ['remove the first', (d) => ({ ...d, todos: d.todos.slice(1) })],
  ['remove the last', (d) => ({ ...d, todos: d.todos.slice(0, -1) })],
  ['retitle', (d) => ({ ...d, title: 'Mine / yours' })],
  ['insert in the middle', (d) => ({ ...d, todos: d.todos.toSpliced(2, 0, { id: 101, text: 'middle', done: true }, { id: 102, text: 'also', done: false }) })],
  ['move one to the end', (d) => ({ ...d, todos: [...d.todos.toSpliced(1, 1), d.todos[1]] })],
  ['edit two texts', (d) => ({ ...d, todos: at(at(d.todos, 0, { text: "it's `=`" }), 4, { text: 'edited' }) })],
  ['clear', (d) => ({ ...d, todos: [] })],
  ['refill', (d) => ({ ...d, todos: todoData(3).todos })],
  ['prepend one', (d) => ({ ...d, todos: [{ id: 103, text: 'first', done: true }, ...d.todos] })],
  ['nothing', (d) => ({ ...d })],
];

describe.each([false, true])('the floor (skipSameItems: %s)', (skipSameItems) => {
  it('renders the page Mustache renders, and updates it as core does', () => {
    const template = compile(TODO_TEMPLATE);
    let data = todoData(6);
    const { html, state } = template.render(data);
    const floor = startFloor(data, { skipSameItems });
    expect(floor.html).toBe(template.renderPlain(data));
    const corePage = loadPage(html, false);
    const floorPage = loadPage(html, false);
    for (const [what, step] of steps) {
      data = step(data);
      applyUpdates(corePage, template.update(state, data));
      applyUpdates(floorPage, JSON.parse(floor.update(data)));
      expect(markedHtml(floorPage), what).toBe(markedHtml(corePage));
      expect(canonicalHtml(floorPage.cloneNode(true)), what).toBe(canonicalHtml(loadPage(template.renderPlain(data), false)));
    }
  });
});

it('the plain floor sees items changed in place', () => {
  const data = todoData(3);
  const floor = startFloor(data);
  data.todos[2].done = !data.todos[2].done;
  expect(JSON.parse(floor.update(data)).map((u) => [u.fragment_id, u.action])).toEqual([['2:3', 'replace']]);
});
