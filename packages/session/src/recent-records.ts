import type { SessionRecord } from '@statetemplate/store';
import { sessionData } from './session-data.js';

/**
 * The last record this instance read or wrote for its most recent sessions,
 * with their diff state as objects: a render starts from it instead of
 * reading (and parsing) the store's, and the store's compare-and-set tells
 * when another instance changed the session meanwhile. Least recently used
 * first out, past `limit` sessions.
 */
export class RecentRecords {
  readonly #records = new Map<string, SessionRecord>();

  constructor(private readonly limit: number) {}

  get(id: string): SessionRecord | undefined {
    const record = this.#records.get(id);
    if (record !== undefined) {
      this.#records.delete(id);
      this.#records.set(id, record);
    }
    return record;
  }

  set(record: SessionRecord): void {
    if (this.limit === 0) return;
    this.#records.delete(record.id);
    this.#records.set(record.id, record);
    if (this.#records.size > this.limit) this.#records.delete(this.#records.keys().next().value!);
  }

  delete(id: string): void {
    this.#records.delete(id);
  }

  /** Another instance got the session to `seq`: what is kept here is behind. */
  behind(id: string, seq: number): void {
    const record = this.#records.get(id);
    if (record !== undefined && sessionData(record).seq < seq) this.#records.delete(id);
  }
}
