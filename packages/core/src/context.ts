/**
 * Mustache's context stack. Lookups follow mustache.js, except dotted names,
 * which follow the spec: the first part is found on the stack, the rest is
 * resolved from it alone ("Dotted Names - Context Precedence").
 */
export class Context {
  constructor(
    readonly view: unknown,
    readonly parent: Context | null = null,
  ) {}

  push(view: unknown): Context {
    return new Context(view, this);
  }
}

/** A name split once at compile time: `.` is [], `a.b` is ['a', 'b']. */
export type NamePath = readonly string[];

export function splitName(name: string): NamePath {
  return name === '.' ? [] : name.indexOf('.') > 0 ? name.split('.') : [name];
}

function has(view: unknown, key: string): boolean {
  return view !== null && typeof view === 'object' && key in view;
}

/** Resolves a name; functions are returned as they are (the caller decides how to call them). */
export function lookup(context: Context, path: NamePath): unknown {
  if (path.length === 0) return context.view;
  const head = path[0]!;
  for (let c: Context | null = context; c !== null; c = c.parent) {
    if (!has(c.view, head)) continue;
    let value = (c.view as Record<string, unknown>)[head];
    for (let i = 1; i < path.length; i++) {
      if (value === null || value === undefined) return undefined;
      value = (value as Record<string, unknown>)[path[i]!];
    }
    return value;
  }
  return undefined;
}
