import { DemoError } from './errors.js';
import type { TodoAction } from './todos.js';
import { parseFilter, validName, type Filter } from './visitor.js';

/** What a visitor asked for, from a live event or a no-JavaScript form post. */
export type DemoAction =
  | { kind: 'todo'; action: TodoAction }
  | { kind: 'rename'; name: string }
  | { kind: 'filter'; filter: Filter };

/** Event names, which are also the form names (`data-st-submit` and `/do/<name>`). */
export const ACTION_NAMES = ['add', 'toggle', 'edit', 'remove', 'move', 'rename', 'filter'] as const;

/**
 * Reads an action from an event name and its fields (a form's fields, or a
 * click's value). Throws DemoError('bad_request') for anything malformed, so
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
      return { kind: 'filter', filter: parseFilter(typeof fields === 'string' ? fields : field(fields, 'value')) };
    default:
      throw new DemoError('bad_request', 'unknown action');
  }
}

function field(fields: unknown, name: string): string {
  const value = typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string') throw new DemoError('bad_request', `the field "${name}" is missing`);
  return value;
}
