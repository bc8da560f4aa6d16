/** Anything JSON.stringify round-trips unchanged. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** What a store keeps for one session. Everything is JSON-safe so any backend can hold it. */
export interface SessionRecord {
  id: string;
  /** Starts at 1 on create; every successful update increments it (compare-and-set). */
  version: number;
  /** Milliseconds since the epoch. */
  createdAt: number;
  /** Milliseconds since the epoch; `touch` and `update` move it. */
  expiresAt: number;
  /** The session's own state; opaque to the store. */
  data: JsonValue;
}

/**
 * The contract between sessions and their storage. All methods are async and
 * reject with a StoreError (never hang) when the backend fails.
 */
export interface SessionStore {
  /**
   * Stores a new record. Rejects with code `conflict` if the id exists, `invalid`
   * when `data` is not JSON-encodable (cyclic, BigInt).
   */
  create(record: SessionRecord): Promise<void>;
  /** The record, or null when it is missing or expired. */
  get(id: string): Promise<SessionRecord | null>;
  /**
   * Compare-and-set: succeeds only while the stored version equals
   * `record.version`; stores the record with version + 1 and returns it.
   * Rejects with code `conflict` on a version mismatch, `not_found` when gone
   * (missing or expired), `invalid` when `data` is not JSON-encodable.
   */
  update(record: SessionRecord): Promise<SessionRecord>;
  /** Moves the expiry, leaving version and data alone; false when the session is gone (missing or expired). */
  touch(id: string, expiresAt: number): Promise<boolean>;
  /** False when there was nothing to delete. */
  delete(id: string): Promise<boolean>;
  /** Ids whose expiresAt is before `before`, at most `limit` of them. */
  getExpired(before: number, limit?: number): Promise<string[]>;
  /** How many sessions the store holds. */
  count(): Promise<number>;
  /**
   * Cross-instance fan-out of a session's messages (updates). Stores that only
   * live in one process may deliver locally. Messages for one id arrive in publish order.
   */
  publish(id: string, message: string): Promise<void>;
  /** Resolves once subscribed; the returned function unsubscribes. */
  subscribe(id: string, listener: (message: string) => void): Promise<() => Promise<void>>;
  /** Releases timers and connections it owns; afterwards every call rejects with a StoreError. */
  close(): Promise<void>;
}
