import type { Rng } from './rng.js';
import { newShape, type FieldShape, type ListField, type Names, type ObjectShape, type ScalarKind } from './shape.js';

/** One entry of Mustache's context stack, as the generator sees it. */
interface Frame {
  shape: ObjectShape;
  /** A list item (these carry the `id` key). */
  item: boolean;
  /**
   * False for the items of a recursive list, whose shape sits on the stack
   * once per tree level: a dotted name starting there could hit the
   * context-precedence case where mustache.js departs from the spec.
   */
  dotted: boolean;
}

/**
 * Where the generator is writing: the context stack, the sections already
 * open (never reopened inside themselves), and whether the output lands
 * somewhere markers cannot go (attribute values, textarea, title).
 */
export class Scope {
  /** Partials written in this scope, by HTML context, for reuse right here. */
  readonly partials = new Map<string, string[]>();

  constructor(
    readonly frames: readonly Frame[],
    readonly open: ReadonlySet<string>,
    readonly opaque: boolean,
  ) {}

  static root(shape: ObjectShape): Scope {
    return new Scope([{ shape, item: false, dotted: true }], new Set(), false);
  }

  push(name: string, shape: ObjectShape, item: boolean, dotted = true): Scope {
    return new Scope([...this.frames, { shape, item, dotted }], new Set([...this.open, name]), this.opaque);
  }

  /** Same stack, but what is written now lands in an attribute or RCDATA. */
  toOpaque(): Scope {
    return this.opaque ? this : new Scope(this.frames, this.open, true);
  }

  inItem(): boolean {
    return this.frames.some((f) => f.item);
  }
}

/**
 * Chooses the names a generated tag reads: an existing field somewhere on the
 * stack (a context-stack lookup when it lives in an outer frame), a dotted
 * path through a visible object, or a brand-new field.
 */
export class Refs {
  constructor(
    private readonly rng: Rng,
    private readonly names: Names,
  ) {}

  scalar(scope: Scope, kind: ScalarKind): string {
    const existing = this.visible(scope, kind);
    if (kind === 'text' && scope.inItem() && this.rng.chance(0.12)) return 'id';
    if (existing.length > 0 && this.rng.chance(0.5)) return this.rng.pick(existing);
    const objects = this.visible(scope, 'object', 2, (f) => f.dotted);
    if (kind !== 'html' && objects.length > 0 && this.rng.chance(0.2)) {
      const owner = this.rng.pick(objects);
      return `${owner}.${this.add(this.objectShape(scope, owner), kind)}`;
    }
    return this.add(this.frameFor(scope), kind);
  }

  object(scope: Scope): { name: string; shape: ObjectShape } {
    const reusable = this.visible(scope, 'object', 0).filter((n) => !scope.open.has(n));
    if (reusable.length > 0 && this.rng.chance(0.3)) {
      const name = this.rng.pick(reusable);
      return { name, shape: this.objectShape(scope, name) };
    }
    const shape = newShape();
    const name = this.names.next('object');
    this.frameFor(scope).fields.set(name, { kind: 'object', shape });
    return { name, shape };
  }

  /** A list to render here; a `recursive` one is always new and each of its items holds a list of the same name. */
  list(scope: Scope, recursive = false): { name: string; field: ListField } {
    const reusable = this.listFields(scope).filter(([n]) => !scope.open.has(n));
    let entry: [string, ListField];
    if (!recursive && reusable.length > 0 && this.rng.chance(0.25)) {
      entry = this.rng.pick(reusable);
    } else {
      const field: ListField = { kind: 'list', item: newShape(), opaque: false };
      entry = [this.names.next('list'), field];
      this.frameFor(scope).fields.set(entry[0], field);
      if (recursive) field.item.fields.set(entry[0], field);
    }
    if (scope.opaque) entry[1].opaque = true;
    return { name: entry[0], field: entry[1] };
  }

  private add(shape: ObjectShape, kind: ScalarKind): string {
    const name = this.names.next(kind);
    shape.fields.set(name, { kind });
    return name;
  }

  /** New fields mostly go to the innermost frame, sometimes to an outer one. */
  private frameFor(scope: Scope): ObjectShape {
    const frames = scope.frames;
    return this.rng.chance(0.65) ? frames[frames.length - 1]!.shape : this.rng.pick(frames).shape;
  }

  /** Names of `kind` readable here (from the frames `include` accepts), with dotted paths up to `depth` objects deep. */
  private visible(scope: Scope, kind: FieldShape['kind'], depth = 2, include = (_f: Frame) => true): string[] {
    const out: string[] = [];
    const walk = (shape: ObjectShape, prefix: string, left: number): void => {
      for (const [name, field] of shape.fields) {
        if (field.kind === kind) out.push(prefix + name);
        if (field.kind === 'object' && left > 0) walk(field.shape, `${prefix}${name}.`, left - 1);
      }
    };
    for (const frame of scope.frames.filter(include)) walk(frame.shape, '', frame.dotted ? depth : 0);
    return out;
  }

  private listFields(scope: Scope): [string, ListField][] {
    return scope.frames.flatMap((f) =>
      [...f.shape.fields].filter((e): e is [string, ListField] => e[1].kind === 'list'),
    );
  }

  /** Shape of the object at dotted path `path`, resolved from the innermost frame outwards. */
  private objectShape(scope: Scope, path: string): ObjectShape {
    const [first, ...rest] = path.split('.');
    for (const frame of [...scope.frames].reverse()) {
      let field = frame.shape.fields.get(first!);
      if (field === undefined) continue;
      for (const part of rest) {
        if (field?.kind !== 'object') break;
        field = field.shape.fields.get(part);
      }
      if (field?.kind === 'object') return field.shape;
    }
    throw new Error(`no object at ${path}`);
  }
}
