import { describe, expect, it } from 'vitest';
import { DemoError } from '../src/errors.js';
import { applyAction, MAX_TODOS, type Todo } from '../src/todos.js';

const list: Todo[] = [
  { id: 'a', text: 'first', done: false },
  { id: 'b', text: 'second', done: true },
];

function refusal(action: Parameters<typeof applyAction>[1], todos: Todo[] = list): string {
  try {
    applyAction(todos, action);
  } catch (error) {
    if (error instanceof DemoError) return error.code;
  }
  return 'accepted';
}

describe('the todo list rules (applyAction)', () => {
  it('applies every action to a new list and leaves the old one as it was', () => {
    const snapshot = structuredClone(list);
    const added = applyAction(list, { type: 'add', text: '  third  ' });
    expect(added.slice(2)).toEqual([{ id: expect.stringMatching(/^[0-9a-f]{10}$/), text: 'third', done: false }]);
    expect(applyAction(list, { type: 'toggle', id: 'a' })[0]!.done).toBe(true);
    expect(applyAction(list, { type: 'edit', id: 'b', text: 'renamed' })[1]!.text).toBe('renamed');
    expect(applyAction(list, { type: 'remove', id: 'a' }).map((t) => t.id)).toEqual(['b']);
    expect(applyAction(list, { type: 'move', id: 'b', to: 'up' }).map((t) => t.id)).toEqual(['b', 'a']);
    expect(list).toEqual(snapshot);
  });

  it('leaves the order alone when moving past either end', () => {
    expect(applyAction(list, { type: 'move', id: 'a', to: 'up' }).map((t) => t.id)).toEqual(['a', 'b']);
    expect(applyAction(list, { type: 'move', id: 'b', to: 'down' }).map((t) => t.id)).toEqual(['a', 'b']);
  });

  it('refuses empty or long text, unknown ids and a full list with a DemoError code', () => {
    expect(refusal({ type: 'add', text: ' \n ' })).toBe('invalid_text');
    expect(refusal({ type: 'edit', id: 'a', text: 'x'.repeat(201) })).toBe('invalid_text');
    expect(refusal({ type: 'toggle', id: 'gone' })).toBe('not_found');
    expect(refusal({ type: 'move', id: 'gone', to: 'down' })).toBe('not_found');
    const full = Array.from({ length: MAX_TODOS }, (_, i) => ({ id: String(i), text: 't', done: false }));
    expect(refusal({ type: 'add', text: 'one more' }, full)).toBe('list_full');
  });
});
