import { afterEach } from 'vitest';
import { StoreError, type SessionRecord } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { StateTemplate, type StateTemplateOptions } from '../src/index.js';
import { SIGNING_KEY, TODO_TEMPLATE } from './fixtures.js';

/** A store that instances share, counting its reads and its compare-and-set conflicts; its pub/sub drops the next `dropNext` messages, as Redis pub/sub may across a reconnect. */
export class SharedStore extends MemorySessionStore {
  reads = 0;
  conflicts = 0;
  dropNext = 0;

  override async get(id: string): Promise<SessionRecord | null> {
    this.reads++;
    return super.get(id);
  }

  override async update(record: SessionRecord): Promise<SessionRecord> {
    return super.update(record).catch((error: unknown) => {
      if (error instanceof StoreError && error.code === 'conflict') this.conflicts++;
      throw error;
    });
  }

  override async publish(id: string, message: string): Promise<void> {
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      return;
    }
    return super.publish(id, message);
  }
}

/** A SharedStore per test (`fresh()`), and StateTemplate instances over it; all closed after the test. */
export function useSharedStore() {
  const open: StateTemplate[] = [];
  let store: SharedStore | undefined;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((st) => st.close()));
    await store?.close();
    store = undefined;
  });
  return {
    fresh(): SharedStore {
      return (store = new SharedStore());
    },
    get store(): SharedStore {
      return store!;
    },
    instance(options: StateTemplateOptions = {}): StateTemplate {
      const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, store: store!, ...options });
      open.push(st);
      return st;
    },
  };
}
