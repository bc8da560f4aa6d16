/** Finds a partial's source by name; undefined when there is no such partial. */
export type PartialResolver = (name: string) => string | undefined;

/** A template's partials: sources by name, or a resolver for other sources (files, a database). */
export type Partials = Readonly<Record<string, string>> | PartialResolver;

/**
 * The partials one template uses, each looked up once: its recursive
 * partials (compiled on first render) and its lambdas' templates see the
 * sources it was compiled with, whatever the resolver returns later.
 */
export class PartialSources {
  readonly #resolved = new Map<string, string | undefined>();
  readonly #resolve: PartialResolver;
  readonly #names: readonly string[];

  constructor(
    partials: Partials | undefined,
    /** Told once per name a lookup found nothing for. */
    private readonly onMissing: ((name: string) => void) | undefined,
  ) {
    this.#names = typeof partials === 'object' && partials !== null ? Object.keys(partials) : [];
    if (partials === undefined) this.#resolve = () => undefined;
    else if (typeof partials === 'function') this.#resolve = partials;
    else if (typeof partials === 'object' && partials !== null) this.#resolve = (name) => (Object.hasOwn(partials, name) ? partials[name] : undefined);
    else throw new TypeError('partials must be a record of sources by name, or a function of a name returning a source (or undefined)');
  }

  get(name: string): string | undefined {
    if (this.#resolved.has(name)) return this.#resolved.get(name);
    const source = this.#resolve(name);
    if (source !== undefined && typeof source !== 'string') {
      throw new TypeError(`partials(${JSON.stringify(name)}) returned ${typeof source}: a partial's source is a string, or undefined when there is none`);
    }
    this.#resolved.set(name, source);
    if (source === undefined) this.onMissing?.(name);
    return source;
  }

  /** The names a record gives (none for a resolver, which cannot list what it has). */
  names(): readonly string[] {
    return this.#names;
  }

  /** Every name looked up so far and its source (null: missing), by name: what the fingerprint covers. */
  used(): [string, string | null][] {
    return [...this.#resolved].map(([name, source]) => [name, source ?? null] as [string, string | null]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

/**
 * The default `onMissingPartial`: a warning in development (NODE_ENV not
 * `production`, or no process at all, as in a browser), nothing in production.
 */
export function defaultOnMissingPartial(): ((name: string) => void) | undefined {
  const process = (globalThis as { process?: { env?: Record<string, string | undefined>; emitWarning?: (message: string, type: string) => void } }).process;
  if (process?.env?.NODE_ENV === 'production') return undefined;
  return (name) => {
    const message = `partial ${JSON.stringify(name)} not found: it renders as nothing`;
    if (typeof process?.emitWarning === 'function') process.emitWarning(message, 'StateTemplateMissingPartial');
    else console.warn(message);
  };
}
