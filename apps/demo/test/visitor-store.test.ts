import { describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { DemoError } from '../src/errors.js';
import { newVisitor } from '../src/visitor.js';
import { VisitorStore } from '../src/visitor-store.js';

const MINUTE = 60_000;

describe('visitors kept in the store (VisitorStore)', () => {
  it('loses none of many concurrent changes to one visitor (compare-and-set)', async () => {
    const visitors = new VisitorStore(new MemorySessionStore(), MINUTE);
    await visitors.create('s1', newVisitor('Ada', 'all', 'instance-a'));
    await Promise.all(Array.from({ length: 10 }, () => visitors.change('s1', (v) => ({ ...v, seconds: v.seconds + 1 }))));
    expect((await visitors.get('s1'))?.seconds).toBe(10);
  });

  it('writes nothing when a change keeps the visitor, and lets a change refuse', async () => {
    const store = new MemorySessionStore();
    const visitors = new VisitorStore(store, MINUTE);
    await visitors.create('s1', newVisitor('Ada', 'all', 'instance-a'));
    await visitors.change('s1', (v) => v);
    expect((await store.get('visitor:s1'))?.version).toBe(1);
    const refusal = visitors.change('s1', () => {
      throw new DemoError('invalid_text', 'no');
    });
    await expect(refusal).rejects.toMatchObject({ code: 'invalid_text' });
    expect(await visitors.get('s1')).toEqual(newVisitor('Ada', 'all', 'instance-a'));
  });

  it('answers null for a visitor that is gone, and creates nothing', async () => {
    const store = new MemorySessionStore();
    const visitors = new VisitorStore(store, MINUTE);
    await expect(visitors.change('missing', (v) => ({ ...v, name: 'x' }))).resolves.toBeNull();
    await expect(visitors.get('missing')).resolves.toBeNull();
    expect(await store.count()).toBe(0);
  });

  it('moves the expiry on with every write, and sweeps expired visitors only', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const store = new MemorySessionStore();
      const visitors = new VisitorStore(store, MINUTE);
      const start = Date.now();
      await visitors.create('idle', newVisitor('Idle', 'all', 'a'));
      await visitors.create('busy', newVisitor('Busy', 'all', 'a'));
      await store.create({ id: 'other', version: 1, createdAt: start, expiresAt: start + 1000, data: null });
      vi.setSystemTime(start + MINUTE / 2);
      await visitors.change('busy', (v) => ({ ...v, seconds: 1 }));

      // Past the idle visitor's expiry only; the store's other records are not the sweep's.
      await expect(visitors.sweep(start + MINUTE + 1)).resolves.toBe(1);
      vi.setSystemTime(start + MINUTE + 1);
      await expect(visitors.get('idle')).resolves.toBeNull();
      expect((await visitors.get('busy'))?.seconds).toBe(1);
      await expect(visitors.sweep(start + 2 * MINUTE)).resolves.toBe(1);
      expect(await store.count()).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
