import { StoreError, type JsonValue, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { DemoError } from './errors.js';

/** Compare-and-set attempts before a write gives up: other writers (instances) kept winning. */
const MAX_ATTEMPTS = 20;

export interface RecordUpdate {
  /** The newest record; null when it is gone. */
  read: () => Promise<SessionRecord | null>;
  /** The new data; the very same data leaves the record alone (no write). May throw to refuse. */
  change: (data: JsonValue) => JsonValue;
  /** The record's expiry after the write. */
  expiresAt: () => number;
}

/**
 * Read-modify-write of one store record that never loses another instance's
 * write: a compare-and-set conflict re-reads and re-applies. Resolves to the
 * record as stored, or null when it is gone; rejects with DemoError('busy')
 * after too many conflicts.
 */
export async function updateRecord(store: SessionStore, { read, change, expiresAt }: RecordUpdate): Promise<SessionRecord | null> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await read();
    if (current === null) return null;
    const data = change(current.data);
    if (data === current.data) return current;
    try {
      return await store.update({ ...current, data, expiresAt: expiresAt() });
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      if (error.code === 'not_found') return null;
      if (error.code !== 'conflict') throw error;
    }
  }
  throw new DemoError('busy', 'too many changes at once; try again');
}
