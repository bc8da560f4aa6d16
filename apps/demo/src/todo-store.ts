import { StoreError, type JsonValue, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { DemoError } from './errors.js';
import { updateRecord } from './record-update.js';
import { applyAction, type Todo, type TodoAction } from './todos.js';

/** The one record holding the shared list, and the channel announcing its changes. */
const RECORD_ID = 'demo-todos';
/** The shared list never expires; stores need some expiry, so it lies far ahead. */
const FOREVER = 10 * 365 * 24 * 3_600_000;

/**
 * The todo list every visitor shares. It lives in a SessionStore record, so a
 * memory store shares it within one process and a Redis store across instances;
 * writes are compare-and-set and announced on the store's pub/sub, so every
 * instance learns of every change and re-renders its visitors.
 */
export class TodoStore {
  #record: SessionRecord;
  readonly #listeners = new Set<() => void>();
  #unsubscribe: (() => Promise<void>) | null = null;

  private constructor(
    private readonly store: SessionStore,
    record: SessionRecord,
  ) {
    this.#record = record;
  }

  /** Loads the shared list (creating it empty on first use) and follows its changes. */
  static async open(store: SessionStore): Promise<TodoStore> {
    const todos = new TodoStore(store, await loadOrCreate(store));
    todos.#unsubscribe = await store.subscribe(RECORD_ID, () => void todos.#refresh());
    return todos;
  }

  get todos(): readonly Todo[] {
    return todosOf(this.#record.data);
  }

  /** Calls `listener` after every change, from this instance or another. Returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Applies `action` to the newest list; rejects with DemoError when refused. */
  async apply(action: TodoAction): Promise<void> {
    const saved = await updateRecord(this.store, {
      read: async () => (await this.store.get(RECORD_ID)) ?? loadOrCreate(this.store),
      change: (data) => ({ todos: applyAction(todosOf(data), action) }),
      expiresAt: () => Date.now() + FOREVER,
    });
    // Deleted between the read and the write (by hand, in Redis): nothing was applied.
    if (saved === null) throw new DemoError('busy', 'the list was reset meanwhile; try again');
    this.#adopt(saved);
    await this.store.publish(RECORD_ID, String(saved.version));
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await this.#unsubscribe?.();
  }

  /** Another writer announced a change: read it (a failed read waits for the next announcement). */
  async #refresh(): Promise<void> {
    const record = await this.store.get(RECORD_ID).catch(() => null);
    if (record !== null) this.#adopt(record);
  }

  /** Takes a record only when newer, so late announcements never roll the list back. */
  #adopt(record: SessionRecord): void {
    if (record.version <= this.#record.version) return;
    this.#record = record;
    for (const listener of this.#listeners) listener();
  }
}

async function loadOrCreate(store: SessionStore): Promise<SessionRecord> {
  const existing = await store.get(RECORD_ID);
  if (existing !== null) return existing;
  const now = Date.now();
  const record: SessionRecord = { id: RECORD_ID, version: 1, createdAt: now, expiresAt: now + FOREVER, data: { todos: [] } };
  try {
    await store.create(record);
    return record;
  } catch (error) {
    // Another instance created it first: use theirs.
    if (error instanceof StoreError && error.code === 'conflict') return (await store.get(RECORD_ID)) ?? record;
    throw error;
  }
}

function todosOf(data: JsonValue): Todo[] {
  return (data as { todos: Todo[] }).todos;
}
