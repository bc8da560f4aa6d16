import type { TemplateStream } from '@statetemplate/core';
import type { Update } from '@statetemplate/protocol';
import type { SessionUpdate } from './session-update.js';

export interface StreamInsertOptions {
  /** Where a new item goes: 'end' (default) or 'start'. */
  at?: 'start' | 'end';
  /** The key of the item it goes right after (instead of `at`); an insert after an item not on the page does nothing. */
  after?: string | number;
  /** The list then keeps at most this many items: the page drops the first ones (the last ones for `at: 'start'`). */
  limit?: number;
}

/** Updates of a stream's items, stamped when committed. */
type Build = (now: number) => Update[];

/**
 * A stream of one session (Session.stream): a list whose items the session
 * does not keep. Each call renders its items at once (later changes to them
 * are not seen) and resolves to the updates it sent, once they are committed
 * in order with the session's renders. The server does not know which items
 * the page holds: an update or delete of an item that is not there (trimmed by
 * a limit, say) does nothing, and an insert of one that is there replaces it
 * where it is, or moves it there when `at` or `after` is given.
 */
export class SessionStream {
  /** @internal From Session.stream. */
  constructor(
    private readonly stream: TemplateStream,
    private readonly commit: (build: Build) => Promise<SessionUpdate[]>,
  ) {}

  get name(): string {
    return this.stream.name;
  }

  /** Adds `item` (keyed by the template's `key` field) at the end, the start or after another item. */
  insert(item: unknown, options: StreamInsertOptions = {}): Promise<SessionUpdate[]> {
    return this.#send(() => {
      const { at, after, limit } = options;
      if (at !== undefined && at !== 'start' && at !== 'end') throw new TypeError(`stream "${this.name}": at must be 'start' or 'end', not ${JSON.stringify(at)}`);
      if (after !== undefined && (at !== undefined || !(typeof after === 'string' || Number.isFinite(after)))) {
        throw new TypeError(`stream "${this.name}": after takes the key (a string or a number) of an item, and no at`);
      }
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) throw new RangeError(`stream "${this.name}": limit must be a whole number > 0`);
      const { fragment_id, html } = this.stream.renderItem(item);
      if (after !== undefined && this.stream.itemId(after) === fragment_id) throw new RangeError(`stream "${this.name}": an item cannot go after itself`);
      const update: Update = { fragment_id, html, action: after !== undefined ? 'insert_after' : at === 'start' ? 'prepend' : 'append', timestamp: 0, stream: at === undefined && after === undefined ? 2 : 1 };
      if (after !== undefined) update.ref = this.stream.itemId(after);
      if (limit !== undefined) update.limit = limit;
      return [update];
    });
  }

  /** Replaces the item with `item`'s key where it is; nothing when the page does not hold it. */
  update(item: unknown): Promise<SessionUpdate[]> {
    return this.#send(() => [{ ...this.stream.renderItem(item), action: 'replace', timestamp: 0, stream: 1 }]);
  }

  /** Removes the item with this key (or the key of this item); nothing when the page does not hold it. */
  delete(keyOrItem: unknown): Promise<SessionUpdate[]> {
    return this.#send(() => {
      const key = typeof keyOrItem === 'string' || typeof keyOrItem === 'number' ? keyOrItem : this.stream.keyOf(keyOrItem);
      return [{ fragment_id: this.stream.itemId(key), html: '', action: 'remove', timestamp: 0, stream: 1 }];
    });
  }

  /** Makes `items` the whole list (none by default). */
  reset(items: readonly unknown[] = []): Promise<SessionUpdate[]> {
    return this.#send(() => [{ fragment_id: this.stream.fragmentId, html: this.stream.renderItems(items), action: 'replace', timestamp: 0, stream: 1 }]);
  }

  /** Renders now, stamps at the commit; a refusal rejects before anything is queued. */
  #send(render: () => Update[]): Promise<SessionUpdate[]> {
    let updates: Update[];
    try {
      updates = render();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.commit((now) => updates.map((update) => ({ ...update, timestamp: now })));
  }
}
