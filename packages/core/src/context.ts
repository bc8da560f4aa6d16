/**
 * Mustache's context stack. Lookups follow mustache.js, except dotted names,
 * which follow the spec: the first part is found on the stack, the rest is
 * resolved from it alone ("Dotted Names - Context Precedence").
 */
export class Context {
  constructor(
    /** Mutable only for the diff's per-list frame, which nothing keeps past one item's check. */
    public view: unknown,
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

/** Resolves a name; functions are returned as they are (the caller decides how to call them). */
export function lookup(context: Context, path: NamePath): unknown {
  if (path.length === 0) return context.view;
  const head = path[0]!;
  for (let c: Context | null = context; c !== null; c = c.parent) {
    const view = c.view;
    if (view === null || typeof view !== 'object') continue;
    let value = (view as Record<string, unknown>)[head];
    // `in` only when the read came back undefined: an own undefined still stops the search.
    if (value === undefined && !(head in view)) continue;
    for (let i = 1; i < path.length; i++) {
      if (value === null || value === undefined) return undefined;
      value = (value as Record<string, unknown>)[path[i]!];
    }
    return value;
  }
  return undefined;
}
