import { StoreError, type JsonValue, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { ExpiryHeap, type HeapEntry } from './expiry-heap.js';
import { jsonFlaw } from './json-flaw.js';

/**
 * What the store keeps per session. `data` is held by reference: records are
 * immutable values (see SessionRecord), so sharing it is safe, and a render
 * that changes one item costs no copy of the whole session. The other fields
 * are the store's own, so a caller's record object is never kept or returned.
 */
interface Entry extends HeapEntry {
  readonly id: string;
  version: number;
  createdAt: number;
  data: JsonValue;
}

type Listener = (message: string) => void;

export interface MemorySessionStoreOptions {
  /**
   * The clock that decides which records are live: milliseconds since the
   * epoch, default `Date.now`. Give it the same clock as the StateTemplate
   * that writes the expiries (a test's manual clock, say).
   */
  now?: () => number;
}

/** The default SessionStore: everything in this process, publish/subscribe delivered locally. */
export class MemorySessionStore implements SessionStore {
  private readonly now: () => number;
  private readonly entries = new Map<string, Entry>();
  private readonly expiry = new ExpiryHeap<Entry>();
  /** One wrapper object per subscribe call, so the same function may subscribe twice. */
  private readonly channels = new Map<string, Set<{ listener: Listener }>>();
  private closed = false;

  /** Throws TypeError when `now` is not a function. */
  constructor(options: MemorySessionStoreOptions = {}) {
    const now = options.now ?? Date.now;
    if (typeof now !== 'function') throw new TypeError('now must be a function returning milliseconds since the epoch');
    this.now = now;
  }

  async create(record: SessionRecord): Promise<void> {
    this.open();
    check(record, undefined);
    if (this.entries.has(record.id)) throw new StoreError('conflict', `session ${record.id} already exists`);
    const { id, version, createdAt, expiresAt, data } = record;
    const entry: Entry = { id, version, createdAt, expiresAt, data, heapIndex: -1 };
    this.entries.set(record.id, entry);
    this.expiry.add(entry);
  }

  async get(id: string): Promise<SessionRecord | null> {
    this.open();
    const entry = this.live(id);
    return entry === undefined ? null : snapshot(entry);
  }

  async update(record: SessionRecord): Promise<SessionRecord> {
    this.open();
    // `?.`: a record that is no object is refused by check(), not by a TypeError here.
    const entry = this.live(record?.id);
    check(record, entry?.data);
    if (entry === undefined) throw new StoreError('not_found', `session ${record.id} does not exist`);
    if (entry.version !== record.version) {
      throw new StoreError('conflict', `session ${record.id} is at version ${entry.version}, not ${record.version}`);
    }
    entry.version += 1;
    entry.createdAt = record.createdAt;
    entry.data = record.data;
    this.expire(entry, record.expiresAt);
    return snapshot(entry);
  }

  async touch(id: string, expiresAt: number): Promise<boolean> {
    this.open();
    if (!Number.isFinite(expiresAt)) throw new StoreError('invalid', 'expiresAt must be a finite number');
    const entry = this.live(id);
    if (entry === undefined) return false;
    this.expire(entry, expiresAt);
    return true;
  }

  /** Removes expired records too: they still hold memory until deleted. */
  async delete(id: string): Promise<boolean> {
    this.open();
    const entry = this.entries.get(id);
    if (entry === undefined) return false;
    this.entries.delete(id);
    this.expiry.remove(entry);
    return true;
  }

  async getExpired(before: number, limit = Infinity): Promise<string[]> {
    this.open();
    return this.expiry.expired(before, limit).map((entry) => entry.id);
  }

  async existing(ids: readonly string[]): Promise<string[]> {
    this.open();
    return ids.filter((id) => this.live(id) !== undefined);
  }

  async count(): Promise<number> {
    this.open();
    return this.entries.size;
  }

  /** Delivers synchronously, in publish order; a throwing listener does not stop the others. */
  async publish(id: string, message: string): Promise<void> {
    this.open();
    const subscribers = this.channels.get(id);
    if (subscribers === undefined) return;
    for (const s of [...subscribers]) {
      try {
        s.listener(message);
      } catch (error) {
        process.emitWarning(error instanceof Error ? error : String(error), 'MemorySessionStoreListenerError');
      }
    }
  }

  async subscribe(id: string, listener: Listener): Promise<() => Promise<void>> {
    this.open();
    const subscription = { listener };
    let subscribers = this.channels.get(id);
    if (subscribers === undefined) {
      subscribers = new Set();
      this.channels.set(id, subscribers);
    }
    subscribers.add(subscription);
    return async () => {
      const current = this.channels.get(id);
      if (current?.delete(subscription) && current.size === 0) this.channels.delete(id);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.entries.clear();
    this.expiry.clear();
    this.channels.clear();
  }

  private open(): void {
    if (this.closed) throw new StoreError('unavailable', 'the store is closed');
  }

  /** The entry unless it is missing or expired (an expired one waits for getExpired + delete). */
  private live(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    return entry !== undefined && entry.expiresAt > this.now() ? entry : undefined;
  }

  private expire(entry: Entry, expiresAt: number): void {
    if (entry.expiresAt === expiresAt) return;
    entry.expiresAt = expiresAt;
    this.expiry.moved(entry);
  }
}

/** The record as it stands now, in an object of its own. */
function snapshot(entry: Entry): SessionRecord {
  const { id, version, createdAt, expiresAt, data } = entry;
  return { id, version, createdAt, expiresAt, data };
}

/**
 * Validates the record's shape and that its data is JSON data, walking only
 * what is not shared with `known` (the data stored before); bad input becomes
 * a StoreError, never a crash.
 */
function check(record: SessionRecord, known: JsonValue | undefined): void {
  if (typeof record !== 'object' || record === null) throw new StoreError('invalid', 'a record must be an object');
  const { id, version, createdAt, expiresAt } = record;
  if (typeof id !== 'string' || id === '') throw new StoreError('invalid', 'id must be a non-empty string');
  if (!Number.isInteger(version)) throw new StoreError('invalid', 'version must be an integer');
  if (!Number.isFinite(createdAt) || !Number.isFinite(expiresAt)) {
    throw new StoreError('invalid', 'createdAt and expiresAt must be finite numbers');
  }
  let flaw: string | null;
  try {
    flaw = jsonFlaw(record.data, known);
  } catch (error) {
    // Nesting too deep for the stack, or a getter that throws.
    throw new StoreError('invalid', `data of session ${id} cannot be checked`, { cause: error });
  }
  if (flaw !== null) throw new StoreError('invalid', `data of session ${id} is not JSON data: it holds ${flaw}`);
}
