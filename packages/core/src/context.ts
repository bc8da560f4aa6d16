/**
 * Mustache's context stack. Lookups follow mustache.js, except dotted names,
 * which follow the spec: the first part is found on the stack, the rest is
 * resolved from it alone ("Dotted Names - Context Precedence").
 */
export class Context {
  /** How many contexts enclose this one. */
  readonly depth: number;

  constructor(
    /** Mutable only for the diff's per-list frame, which nothing keeps past one item's check. */
    public view: unknown,
    readonly parent: Context | null = null,
  ) {
    this.depth = parent === null ? 0 : parent.depth + 1;
  }

  push(view: unknown): Context {
    return new Context(view, this);
  }
}

/** A name split once at compile time: `.` is [], `a.b` is ['a', 'b']. */
export type NamePath = readonly string[];

export function splitName(name: string): NamePath {
  return name === '.' ? [] : name.indexOf('.') > 0 ? name.split('.') : [name];
}

/**
 * The depth of the outermost context a lookup found its name in since it was
 * last set, -1 once a name was found nowhere or a function was called (then
 * anything may change the output). A list item whose lookups all stay within
 * it renders alike for the same item object: see `startReach`.
 */
const reach = { outermost: Infinity };

/** Starts watching how far lookups reach; returns what to pass to `endReach`. */
export function startReach(): number {
  const saved = reach.outermost;
  reach.outermost = Infinity;
  return saved;
}

/** Whether every lookup since `startReach` stayed at `depth` or deeper; resumes the watch it interrupted. */
export function endReach(saved: number, depth: number): boolean {
  const within = reach.outermost >= depth;
  if (saved < reach.outermost) reach.outermost = saved;
  return within;
}

/** Forgets every watch: a thrown error may have left one open. */
export function resetReach(): void {
  reach.outermost = Infinity;
}

/** Notes output that may change whatever the data: a function called. */
export function reachAnywhere(): void {
  reach.outermost = -1;
}

/** Resolves a name; functions are returned as they are (the caller decides how to call them). */
export function lookup(context: Context, path: NamePath): unknown {
  if (path.length === 0) {
    if (context.depth < reach.outermost) reach.outermost = context.depth;
    return context.view;
  }
  const head = path[0]!;
  for (let c: Context | null = context; c !== null; c = c.parent) {
    const view = c.view;
    if (view === null || typeof view !== 'object') continue;
    let value = (view as Record<string, unknown>)[head];
    // `in` only when the read came back undefined: an own undefined still stops the search.
    if (value === undefined && !(head in view)) continue;
    if (c.depth < reach.outermost) reach.outermost = c.depth;
    for (let i = 1; i < path.length; i++) {
      if (value === null || value === undefined) return undefined;
      value = (value as Record<string, unknown>)[path[i]!];
    }
    return value;
  }
  reach.outermost = -1;
  return undefined;
}
