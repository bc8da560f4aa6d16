import { DemoError } from './errors.js';
import type { TodoAction } from './todos.js';
import { parseFilter, validName, type Filter } from './visitor.js';

/** What a visitor asked for, from a live event or a no-JavaScript form post. */
export type DemoAction =
  | { kind: 'todo'; action: TodoAction }
  | { kind: 'rename'; name: string }
  | { kind: 'filter'; filter: Filter };

/**
 * Reads an action from an event name (a `data-st-*` binding's, or the NAME of
 * a `/do/NAME` form post) and its fields (the form's, or a click's
 * `data-st-value-*`). Throws DemoError('bad_request') for anything malformed, so
 * no input a client sends can reach the list unchecked.
 */
export function parseAction(name: string, fields: unknown): DemoAction {
  switch (name) {
    case 'add':
      return { kind: 'todo', action: { type: 'add', text: field(fields, 'text') } };
    case 'toggle':
      return { kind: 'todo', action: { type: 'toggle', id: field(fields, 'id') } };
    case 'edit':
      return { kind: 'todo', action: { type: 'edit', id: field(fields, 'id'), text: field(fields, 'text') } };
    case 'remove':
      return { kind: 'todo', action: { type: 'remove', id: field(fields, 'id') } };
    case 'move': {
      const to = field(fields, 'to');
      if (to !== 'up' && to !== 'down') throw new DemoError('bad_request', 'a todo moves up or down');
      return { kind: 'todo', action: { type: 'move', id: field(fields, 'id'), to } };
    }
    case 'rename':
      return { kind: 'rename', name: validName(field(fields, 'name')) };
    case 'filter':
      return { kind: 'filter', filter: parseFilter(field(fields, 'filter')) };
    default:
      throw new DemoError('bad_request', 'unknown action');
  }
}

function field(fields: unknown, name: string): string {
  const value = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string') throw new DemoError('bad_request', `the field "${name}" is missing`);
  return value;
}
