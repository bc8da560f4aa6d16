import type { LogAppend, SessionRecord, SessionStore } from '@statetemplate/store';
import type { StoreHealth } from './store-health.js';

/**
 * The store as the StateTemplate calls it: every call timed and its outcome
 * told to the store's health. The caller gets the store's own promise, so a
 * call costs no extra tick; the measuring reaction hangs beside it.
 */
export class MeasuredStore implements SessionStore {
  readonly readLog?: (id: string) => Promise<string[]>;
  readonly onResubscribe?: (listener: () => void) => () => void;

  constructor(
    private readonly store: SessionStore,
    private readonly health: StoreHealth,
    private readonly clock: () => number,
  ) {
    // Optional members stay absent when the store has none: the session checks for them.
    const { readLog, onResubscribe } = store;
    if (readLog !== undefined) this.readLog = (id) => this.#measure('readLog', this.clock(), readLog.call(store, id));
    if (onResubscribe !== undefined) this.onResubscribe = (listener) => onResubscribe.call(store, listener);
  }

  create(record: SessionRecord): Promise<void> {
    return this.#measure('create', this.clock(), this.store.create(record));
  }

  get(id: string): Promise<SessionRecord | null> {
    return this.#measure('get', this.clock(), this.store.get(id));
  }

  update(...args: [SessionRecord, LogAppend?]): Promise<SessionRecord> {
    return this.#measure('update', this.clock(), this.store.update(...args));
  }

  touch(id: string, expiresAt: number): Promise<boolean> {
    return this.#measure('touch', this.clock(), this.store.touch(id, expiresAt));
  }

  delete(id: string): Promise<boolean> {
    return this.#measure('delete', this.clock(), this.store.delete(id));
  }

  getExpired(...args: [number, number?]): Promise<string[]> {
    return this.#measure('getExpired', this.clock(), this.store.getExpired(...args));
  }

  existing(ids: readonly string[]): Promise<string[]> {
    return this.#measure('existing', this.clock(), this.store.existing(ids));
  }

  count(): Promise<number> {
    return this.#measure('count', this.clock(), this.store.count());
  }

  publish(id: string, message: string): Promise<void> {
    return this.#measure('publish', this.clock(), this.store.publish(id, message));
  }

  subscribe(id: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    return this.#measure('subscribe', this.clock(), this.store.subscribe(id, listener));
  }

  close(): Promise<void> {
    return this.store.close();
  }

  /** `start`: read before the call (arguments are evaluated in order), so a store's synchronous work counts too. */
  #measure<T>(operation: string, start: number, call: Promise<T>): Promise<T> {
    call.then(
      () => this.health.succeeded(start),
      (error: unknown) => this.health.rejected(operation, start, error),
    );
    return call;
  }
}
