/** Sessions whose hash's chunks a store remembers; past it, the oldest is forgotten (its next write rewrites every chunk). */
const REMEMBERED = 1_000;

/**
 * Which chunks each session's hash holds at which version, for the sessions
 * this store wrote or read last: a write at that version sends only the
 * chunks the hash lacks and names the ones no longer reached.
 */
export class WrittenChunks {
  readonly #sessions = new Map<string, { version: number; keys: ReadonlySet<string> }>();

  /** The chunks the hash of `id` holds, if it is known to be at `version`. */
  at(id: string, version: number): ReadonlySet<string> | null {
    const known = this.#sessions.get(id);
    return known !== undefined && known.version === version ? known.keys : null;
  }

  set(id: string, version: number, keys: ReadonlySet<string>): void {
    this.#sessions.delete(id);
    this.#sessions.set(id, { version, keys });
    if (this.#sessions.size > REMEMBERED) this.#sessions.delete(this.#sessions.keys().next().value!);
  }

  forget(id: string): void {
    this.#sessions.delete(id);
  }
}
