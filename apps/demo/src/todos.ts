import { randomBytes } from 'node:crypto';
import { DemoError } from './errors.js';

// A type alias, not an interface, so a Todo[] is a JsonValue the store accepts.
export type Todo = {
  id: string;
  text: string;
  done: boolean;
};

export type TodoAction =
  | { type: 'add'; text: string }
  | { type: 'toggle'; id: string }
  | { type: 'edit'; id: string; text: string }
  | { type: 'remove'; id: string }
  | { type: 'move'; id: string; to: 'up' | 'down' };

export const MAX_TODOS = 100;
export const MAX_TEXT = 200;

/** The list after `action`; never mutates `todos`. Throws DemoError for a refused action. */
export function applyAction(todos: readonly Todo[], action: TodoAction): Todo[] {
  switch (action.type) {
    case 'add':
      if (todos.length >= MAX_TODOS) throw new DemoError('list_full', `the list holds at most ${MAX_TODOS} todos`);
      return [...todos, { id: randomBytes(5).toString('hex'), text: validText(action.text), done: false }];
    case 'toggle':
      return replaceAt(todos, action.id, (todo) => ({ ...todo, done: !todo.done }));
    case 'edit': {
      const text = validText(action.text);
      return replaceAt(todos, action.id, (todo) => ({ ...todo, text }));
    }
    case 'remove':
      return todos.filter((_, i) => i !== indexOf(todos, action.id));
    case 'move': {
      const from = indexOf(todos, action.id);
      const to = action.to === 'up' ? from - 1 : from + 1;
      if (to < 0 || to >= todos.length) return [...todos];
      const next = [...todos];
      [next[from], next[to]] = [next[to]!, next[from]!];
      return next;
    }
  }
}

/** Trimmed text, refused when empty or too long (the page shows it escaped, whatever it holds). */
function validText(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new DemoError('invalid_text', 'a todo needs some text');
  if (trimmed.length > MAX_TEXT) throw new DemoError('invalid_text', `a todo holds at most ${MAX_TEXT} characters`);
  return trimmed;
}

function indexOf(todos: readonly Todo[], id: string): number {
  const index = todos.findIndex((todo) => todo.id === id);
  if (index < 0) throw new DemoError('not_found', 'that todo was deleted meanwhile');
  return index;
}

function replaceAt(todos: readonly Todo[], id: string, change: (todo: Todo) => Todo): Todo[] {
  const index = indexOf(todos, id);
  return todos.map((todo, i) => (i === index ? change(todo) : todo));
}
