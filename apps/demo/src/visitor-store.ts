import type { SessionRecord, SessionStore } from '@statetemplate/store';
import { updateRecord } from './record-update.js';
import type { Visitor } from './visitor.js';

/** Visitor records sit beside the shared list, named after their session. */
const PREFIX = 'visitor:';
/** Expired records deleted per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 1000;

/**
 * Every visitor's own state, one store record each, keyed by their session id
 * and expiring like the session (every write moves the expiry on). Writes are
 * compare-and-set, so two instances changing one visitor lose nothing.
 */
export class VisitorStore {
  constructor(
    private readonly store: SessionStore,
    /** Milliseconds a record lives after its last write: the session's expiration. */
    private readonly expiration: number,
  ) {}

  async create(sessionId: string, visitor: Visitor): Promise<void> {
    const now = Date.now();
    await this.store.create({ id: PREFIX + sessionId, version: 1, createdAt: now, expiresAt: now + this.expiration, data: visitor });
  }

  /** The visitor, or null when gone (expired, or their session was let go). */
  async get(sessionId: string): Promise<Visitor | null> {
    return visitorOf(await this.store.get(PREFIX + sessionId));
  }

  /**
   * Applies `change` to the newest stored visitor and stores the result
   * (returning the very same visitor writes nothing). Resolves to the visitor
   * as stored, or null when gone; `change` may throw to refuse.
   */
  async change(sessionId: string, change: (visitor: Visitor) => Visitor): Promise<Visitor | null> {
    const id = PREFIX + sessionId;
    const record = await updateRecord(this.store, {
      read: () => this.store.get(id),
      change: (data) => change(data as Visitor),
      expiresAt: () => Date.now() + this.expiration,
    });
    return visitorOf(record);
  }

  async delete(sessionId: string): Promise<void> {
    await this.store.delete(PREFIX + sessionId);
  }

  /** Deletes expired visitor records (a store keeps them until deleted); resolves to how many. */
  async sweep(now: number = Date.now()): Promise<number> {
    const expired = (await this.store.getExpired(now, SWEEP_LIMIT)).filter((id) => id.startsWith(PREFIX));
    const deleted = await Promise.all(expired.map((id) => this.store.delete(id)));
    return deleted.filter(Boolean).length;
  }
}

function visitorOf(record: SessionRecord | null): Visitor | null {
  return record === null ? null : (record.data as Visitor);
}
