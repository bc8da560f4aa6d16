import { describe, expect, it } from 'vitest';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import type { JsonValue, SessionRecord } from '@statetemplate/store';
import { MemorySessionStore } from '../src/index.js';

const T0 = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

/** A store on a hand-moved clock (`clock.now`): no test depends on how long it takes to run. */
function clocked(): { store: MemorySessionStore; clock: { now: number } } {
  const clock = { now: T0 };
  return { store: new MemorySessionStore({ now: () => clock.now }), clock };
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

describe('MemorySessionStore', () => {
  it('lists exactly the expired ids after thousands of random creates, touches, updates and deletes', { timeout: HEAVY_TEST_MS }, async () => {
    const { store } = clocked();
    const rnd = random(7);
    const base = T0 + HOUR;
    const model = new Map<string, SessionRecord>();
    for (let step = 0; step < 20_000; step++) {
      const id = `s${Math.floor(rnd() * 2_000)}`;
      const at = base + Math.floor(rnd() * 1_000_000);
      const known = model.get(id);
      const op = rnd();
      if (known === undefined) {
        const r = { id, version: 1, createdAt: 0, expiresAt: at, data: step };
        await store.create(r);
        model.set(id, r);
      } else if (op < 0.4) {
        await store.touch(id, at);
        model.set(id, { ...known, expiresAt: at });
      } else if (op < 0.8) {
        model.set(id, await store.update({ ...known, expiresAt: at, data: step }));
      } else {
        await store.delete(id);
        model.delete(id);
      }
    }
    for (const cut of [base, base + 1, base + 250_000, base + 500_000, base + 1_000_001]) {
      const want = [...model.values()].filter((r) => r.expiresAt < cut).map((r) => r.id).sort();
      expect((await store.getExpired(cut)).sort()).toEqual(want);
    }
    expect(await store.count()).toBe(model.size);
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const store = new MemorySessionStore();
    const got: string[] = [];
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      await store.subscribe('x', () => {
        throw new Error('listener bug');
      });
      await store.subscribe('x', (m) => got.push(m));
      await store.publish('x', 'still delivered');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(got).toEqual(['still delivered']);
    expect(warnings.map((w) => w.message)).toContain('listener bug');
  });

  it('delivers twice to a function subscribed twice and unsubscribes each separately', async () => {
    const store = new MemorySessionStore();
    const got: string[] = [];
    const listener = (m: string) => got.push(m);
    const first = await store.subscribe('x', listener);
    await store.subscribe('x', listener);
    await store.publish('x', 'a');
    await first();
    await first();
    await store.publish('x', 'b');
    expect(got).toEqual(['a', 'a', 'b']);
  });

  it('delivers before publish resolves, so local subscribers see updates in the same turn', async () => {
    const store = new MemorySessionStore();
    const got: string[] = [];
    await store.subscribe('x', (m) => got.push(m));
    const pending = store.publish('x', 'now');
    expect(got).toEqual(['now']);
    await pending;
  });

  it('rejects malformed records with invalid instead of storing them', async () => {
    const { store } = clocked();
    const ok = { id: 'a', version: 1, createdAt: 0, expiresAt: T0 + HOUR, data: null };
    for (const bad of [{ ...ok, id: '' }, { ...ok, version: 1.5 }, { ...ok, expiresAt: Number.NaN }, { ...ok, data: undefined }, null, 'record']) {
      await expect(store.create(bad as unknown as SessionRecord)).rejects.toMatchObject({ code: 'invalid' });
    }
    await expect(store.update(null as unknown as SessionRecord)).rejects.toMatchObject({ code: 'invalid' });
    await expect(store.touch('a', Number.POSITIVE_INFINITY)).rejects.toMatchObject({ code: 'invalid' });
    expect(await store.count()).toBe(0);
  });

  it('refuses data JSON would change (NaN, Infinity, Date, Map, class instances, undefined in arrays, functions) instead of storing it', async () => {
    const { store } = clocked();
    class Point {
      x = 1;
    }
    const changed = [Number.NaN, -Infinity, new Date(0), new Map(), new Point(), [1, undefined], [1, , 3], () => 1, Symbol('s')];
    for (const [i, value] of changed.entries()) {
      const record = { id: `s${i}`, version: 1, createdAt: 0, expiresAt: T0 + HOUR, data: { nested: [{ value }] } };
      await expect(store.create(record as unknown as SessionRecord)).rejects.toMatchObject({ code: 'invalid' });
    }
    expect(await store.count()).toBe(0);
  });

  it('accepts a field holding undefined, which JSON leaves out, and objects without a prototype', async () => {
    const { store } = clocked();
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
    const data = { client: undefined, bare };
    await store.create({ id: 's', version: 1, createdAt: 0, expiresAt: T0 + HOUR, data: data as unknown as JsonValue });
    expect((await store.get('s'))?.data).toEqual({ bare: { a: 1 } });
  });

  it('refuses data nested too deep to check with invalid instead of overflowing the stack', { timeout: HEAVY_TEST_MS }, async () => {
    const { store } = clocked();
    let deep: JsonValue = [];
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const record = { id: 's', version: 1, createdAt: 0, expiresAt: T0 + HOUR, data: deep };
    await expect(store.create(record)).rejects.toMatchObject({ code: 'invalid' });
  });

  it('shares data instead of copying it, and keeps none of the caller\'s record objects', async () => {
    const { store } = clocked();
    const data = { items: [{ n: 1 }] };
    const record = { id: 's', version: 1, createdAt: 0, expiresAt: T0 + HOUR, data };
    await store.create(record);
    const got = await store.get('s');
    expect(got?.data).toBe(data);
    expect(got).not.toBe(record);
    const saved = await store.update({ ...got!, data: { items: [...data.items, { n: 2 }] } });
    expect(await store.get('s')).not.toBe(saved);
    // Top-level fields are the store's own: writing them on a record changes nothing stored.
    (saved as { version: number }).version = 9;
    (got as { expiresAt: number }).expiresAt = 0;
    expect(await store.get('s')).toMatchObject({ version: 2, expiresAt: record.expiresAt });
  });

  it('decides liveness on the clock given as `now`: a record is gone from its expiresAt on', async () => {
    const { store, clock } = clocked();
    const record = { id: 's', version: 1, createdAt: T0, expiresAt: T0 + 1_000, data: null };
    await store.create(record);
    clock.now = T0 + 999;
    expect(await store.get('s')).toEqual(record);
    clock.now = T0 + 1_000;
    expect(await store.get('s')).toBeNull();
    expect(await store.touch('s', T0 + HOUR)).toBe(false);
    await expect(store.update(record)).rejects.toMatchObject({ code: 'not_found' });
    // getExpired takes its time from the caller, and held records still count until deleted.
    expect(await store.getExpired(clock.now + 1)).toEqual(['s']);
    expect(await store.count()).toBe(1);
  });

  it('refuses a now that is not a function with TypeError', () => {
    for (const now of [42, 'Date.now', {}]) {
      expect(() => new MemorySessionStore({ now: now as unknown as () => number })).toThrow(TypeError);
    }
  });
});
