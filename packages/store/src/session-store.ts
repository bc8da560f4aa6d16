/**
 * Anything JSON.stringify round-trips unchanged. Read-only: stored data is
 * shared between a store and its callers (see SessionRecord).
 */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * What a store keeps for one session. Everything is JSON-safe so any backend can hold it.
 *
 * Records are immutable values: once a record is handed to a store (create,
 * update) or returned by one (get, update), neither side changes it or
 * anything inside its `data`. A store may therefore keep and return `data`
 * by reference instead of copying it (the memory store does), and a caller
 * builds each new version as new objects along the paths it changes while
 * sharing the unchanged parts with the version it read.
 */
export interface SessionRecord {
  readonly id: string;
  /** Starts at 1 on create; every successful update increments it (compare-and-set). */
  readonly version: number;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** Milliseconds since the epoch; `touch` and `update` move it. */
  readonly expiresAt: number;
  /** The session's own state; opaque to the store. */
  readonly data: JsonValue;
}

/** Entries to append to the capped log a store keeps beside a record (see `readLog`), and how many of the last to keep. */
export interface LogAppend {
  readonly entries: readonly string[];
  readonly keep: number;
  /**
   * The message announcing these entries: published on the record's channel
   * (as `publish(id, message)` would) in the same step as the write, and only
   * when the write wins. A write then never lands unannounced, and costs one
   * round trip instead of two.
   */
  readonly message?: string;
}

/**
 * The contract between sessions and their storage. All methods are async and
 * reject with a StoreError (never hang) when the backend fails.
 */
export interface SessionStore {
  /**
   * Stores a new record. Rejects with code `conflict` if the id exists, `invalid`
   * when `data` is not JSON data (cyclic, BigInt; a store that does not
   * serialise may also refuse what JSON would change: NaN, Infinity, Dates,
   * class instances, undefined in arrays).
   */
  create(record: SessionRecord): Promise<void>;
  /** The record, or null when it is missing or expired. */
  get(id: string): Promise<SessionRecord | null>;
  /**
   * Compare-and-set: succeeds only while the stored version equals
   * `record.version`; stores the record with version + 1 and returns it.
   * Rejects with code `conflict` on a version mismatch, `not_found` when gone
   * (missing or expired), `invalid` when `data` is not JSON data (as for create).
   * A store with `readLog` also appends `log` to the record's log, and
   * publishes its message, in the same step.
   */
  update(record: SessionRecord, log?: LogAppend): Promise<SessionRecord>;
  /**
   * Optional, for stores that keep a capped log of strings beside each record
   * instead of inside it (so a write carries the new entries, not the log):
   * the entries `update` appended, oldest first, the last `keep` of them;
   * [] when there are none or the record is gone. `create` starts it empty,
   * `touch` and `update` move its expiry with the record's, `delete` drops it.
   */
  readLog?(id: string): Promise<string[]>;
  /** Moves the expiry, leaving version and data alone; false when the session is gone (missing or expired). */
  touch(id: string, expiresAt: number): Promise<boolean>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
  /** Ids whose expiresAt is before `before`, at most `limit` of them. */
  getExpired(before: number, limit?: number): Promise<string[]>;
  /**
   * Of `ids`, those of sessions the store holds and that have not expired, in
   * the order given, found without reading their records (cleanup asks this
   * of every session an instance serves).
   */
  existing(ids: readonly string[]): Promise<string[]>;
  /** How many sessions the store holds. */
  count(): Promise<number>;
  /**
   * Cross-instance fan-out of a session's messages (updates). Stores that only
   * live in one process may deliver locally. Messages for one id arrive in publish order.
   */
  publish(id: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribe(id: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /**
   * Optional, for stores whose subscriptions can break (a network between
   * instances): calls `listener` each time they are back after a break,
   * during which messages may have been lost. Returns the function that stops it.
   */
  onResubscribe?(listener: () => void): () => void;
  /** Releases timers and connections it owns; afterwards every call rejects with a StoreError. */
  close(): Promise<void>;
}
