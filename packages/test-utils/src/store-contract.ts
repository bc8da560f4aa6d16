import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError, type JsonValue, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { deepFreeze } from './deep-freeze.js';

export interface StoreContractOptions {
  /** Hang guard for waiting on published messages (default 30 s); a wait ends when the messages come. */
  deliveryTimeoutMs?: number;
}

const HOUR = 3_600_000;

/**
 * The behaviour every SessionStore must show. `makeStore` must return a fresh,
 * empty store for each test (a backend shared between tests needs its own
 * namespace per call). Only the contract is asserted, never a backend's internals.
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<SessionStore> | SessionStore,
  opts: StoreContractOptions = {},
): void {
  const deliveryTimeoutMs = opts.deliveryTimeoutMs ?? 30_000;

  describe(`SessionStore contract: ${name}`, () => {
    let store: SessionStore;
    let closed: boolean;
    let nextId = 0;

    beforeEach(async () => {
      store = await makeStore();
      closed = false;
    });
    afterEach(async () => {
      if (!closed) await store.close();
    });

    /** A live record with a unique id; `overrides` adjust any field. */
    function record(overrides: Partial<SessionRecord> = {}): SessionRecord {
      const now = Date.now();
      nextId += 1;
      return { id: `contract-${process.pid}-${nextId}`, version: 1, createdAt: now, expiresAt: now + HOUR, data: { n: nextId }, ...overrides };
    }

    async function expectStoreError(promise: Promise<unknown>, code: StoreError['code']): Promise<void> {
      const error = await promise.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe(code);
    }

    describe('create and get', () => {
      it('returns the created record from get', async () => {
        const r = record();
        await store.create(r);
        expect(await store.get(r.id)).toEqual(r);
      });

      it('returns null for an id it never held', async () => {
        expect(await store.get('contract-never-created')).toBeNull();
      });

      it('rejects a duplicate id with conflict and keeps the first record', async () => {
        const r = record();
        await store.create(r);
        await expectStoreError(store.create({ ...r, data: 'other' }), 'conflict');
        expect(await store.get(r.id)).toEqual(r);
      });

      it('lets exactly one of many concurrent creates of one id win', async () => {
        const r = record();
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.create({ ...r, data: i })),
        );
        expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
        for (const x of results) if (x.status === 'rejected') expect((x.reason as StoreError).code).toBe('conflict');
      });

      it('round-trips every kind of JSON value unchanged', async () => {
        const data: JsonValue = JSON.parse(
          JSON.stringify({
            text: 'héllo \u2603 "quoted" <b>&amp;</b>\n\t\\',
            empty: '',
            numbers: [0, -1, 1.5, 1e21, -0.000123, Number.MAX_SAFE_INTEGER],
            flags: [true, false],
            nothing: null,
            nested: { list: [[], {}, [{ deep: [1, { deeper: 'yes' }] }]] },
            emoji: '😀',
          }),
        ) as JsonValue;
        // A key that would set the prototype in an object literal must stay plain data.
        const odd = JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}') as JsonValue;
        const r = record({ data: { data, odd } });
        await store.create(r);
        const got = await store.get(r.id);
        expect(JSON.stringify(got?.data)).toBe(JSON.stringify(r.data));
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      });

      it('round-trips scalar data', async () => {
        for (const data of ['text', 42, true, null] as JsonValue[]) {
          const r = record({ data });
          await store.create(r);
          expect((await store.get(r.id))?.data).toEqual(data);
        }
      });

      it('never changes a record it was given or returned (both deep-frozen), across versions sharing parts', async () => {
        const r = deepFreeze(record({ data: { items: [{ title: 'a' }, { title: 'b' }], meta: { tags: ['x'] } } }));
        await store.create(r);
        const got = deepFreeze(await store.get(r.id))!;
        expect(got).toEqual(r);
        expect(await store.touch(r.id, r.expiresAt + 1000)).toBe(true);
        const read = got.data as { items: readonly JsonValue[]; meta: JsonValue };
        // The next version as callers build it: new objects where it changed, the rest shared.
        const next = deepFreeze({ ...got, expiresAt: r.expiresAt + 2000, data: { items: [read.items[0]!, { title: 'b2' }], meta: read.meta } });
        const saved = deepFreeze(await store.update(next));
        expect(saved).toEqual({ ...next, version: 2 });
        const last = await store.update(deepFreeze({ ...saved, data: { items: [{ title: 'a3' }], meta: read.meta } }));
        expect(await store.get(r.id)).toEqual(last);
        expect(last).toEqual({ ...saved, version: 3, data: { items: [{ title: 'a3' }], meta: { tags: ['x'] } } });
        expect(got).toEqual(r);
        expect(saved.data).toEqual({ items: [{ title: 'a' }, { title: 'b2' }], meta: { tags: ['x'] } });
      });

      it('rejects data JSON cannot encode with invalid', async () => {
        const cyclic: Record<string, unknown> = {};
        cyclic['self'] = cyclic;
        await expectStoreError(store.create(record({ data: cyclic as JsonValue })), 'invalid');
        await expectStoreError(store.create(record({ data: { big: 1n } as unknown as JsonValue })), 'invalid');
        expect(await store.count()).toBe(0);
      });
    });

    describe('update (compare-and-set)', () => {
      it('stores the record with version + 1 and returns it', async () => {
        const r = record();
        await store.create(r);
        const next = await store.update({ ...r, data: { changed: true }, expiresAt: r.expiresAt + 1000 });
        expect(next).toEqual({ ...r, version: 2, data: { changed: true }, expiresAt: r.expiresAt + 1000 });
        expect(await store.get(r.id)).toEqual(next);
        expect((await store.update(next)).version).toBe(3);
      });

      it('rejects a stale version with conflict and keeps the newer record', async () => {
        const r = record();
        await store.create(r);
        const next = await store.update({ ...r, data: 'first' });
        await expectStoreError(store.update({ ...r, data: 'stale' }), 'conflict');
        await expectStoreError(store.update({ ...r, version: 7, data: 'ahead' }), 'conflict');
        expect(await store.get(r.id)).toEqual(next);
      });

      it('lets exactly one of many concurrent updates from one version win', async () => {
        const r = record();
        await store.create(r);
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.update({ ...r, data: i })),
        );
        const won = results.filter((x) => x.status === 'fulfilled');
        expect(won).toHaveLength(1);
        for (const x of results) if (x.status === 'rejected') expect((x.reason as StoreError).code).toBe('conflict');
        expect(await store.get(r.id)).toEqual((won[0] as PromiseFulfilledResult<SessionRecord>).value);
      });

      it('rejects an unknown id with not_found', async () => {
        await expectStoreError(store.update(record()), 'not_found');
      });

      it('rejects an expired record with not_found', async () => {
        const r = record();
        await store.create(r);
        expect(await store.touch(r.id, Date.now() - 1000)).toBe(true);
        await expectStoreError(store.update(r), 'not_found');
      });

      it('rejects data JSON cannot encode with invalid and keeps the record', async () => {
        const r = record();
        await store.create(r);
        const cyclic: unknown[] = [];
        cyclic.push(cyclic);
        await expectStoreError(store.update({ ...r, data: cyclic as JsonValue }), 'invalid');
        expect(await store.get(r.id)).toEqual(r);
      });

      it('rejects a cycle or BigInt added beside parts shared with the stored data', async () => {
        const r = record({ data: { kept: { list: [1, 2, 3] }, items: [{ n: 1 }, { n: 2 }] } });
        await store.create(r);
        const got = (await store.get(r.id))!;
        const { kept, items } = got.data as { kept: JsonValue; items: readonly JsonValue[] };
        const cyclic: Record<string, unknown> = { kept };
        cyclic['self'] = cyclic;
        await expectStoreError(store.update({ ...got, data: { kept, items, added: cyclic } as unknown as JsonValue }), 'invalid');
        const big = [...items, { deep: [{ n: 1n }] }];
        await expectStoreError(store.update({ ...got, data: { kept, items: big } as unknown as JsonValue }), 'invalid');
        expect(await store.get(r.id)).toEqual(got);
      });

      it('accepts a list whose stored items shifted or were shuffled, and still refuses a bad item among them', async () => {
        const entries = Array.from({ length: 40 }, (_, n) => ({ n, html: `<li>${n}</li>` }));
        const r = record({ data: { log: entries } });
        await store.create(r);
        const got = (await store.get(r.id))!;
        const log = (got.data as { log: readonly JsonValue[] }).log;
        // A sliding log, then a shuffle: stored items at new indexes, beside new ones.
        const slid = await store.update({ ...got, data: { log: [...log.slice(3), { n: 40, html: '' }] } });
        const shuffled = [...log].reverse().concat({ n: 41, html: '' });
        const last = await store.update({ ...slid, data: { log: shuffled } });
        expect(await store.get(r.id)).toEqual(last);
        expect((last.data as { log: JsonValue[] }).log).toHaveLength(41);
        const bad = [...shuffled.slice(0, 20), { n: 1n }, ...shuffled.slice(20)];
        await expectStoreError(store.update({ ...last, data: { log: bad } as unknown as JsonValue }), 'invalid');
        expect(await store.get(r.id)).toEqual(last);
      });
    });

    describe('touch and expiry', () => {
      it('moves expiresAt without changing version or data', async () => {
        const r = record();
        await store.create(r);
        const later = r.expiresAt + 5 * HOUR;
        expect(await store.touch(r.id, later)).toBe(true);
        expect(await store.get(r.id)).toEqual({ ...r, expiresAt: later });
      });

      it('returns false for an unknown id', async () => {
        expect(await store.touch('contract-never-created', Date.now() + HOUR)).toBe(false);
      });

      it('hides an expired record from get and touch', async () => {
        const r = record();
        await store.create(r);
        expect(await store.touch(r.id, Date.now() - 1000)).toBe(true);
        expect(await store.get(r.id)).toBeNull();
        expect(await store.touch(r.id, Date.now() + HOUR)).toBe(false);
      });

      it('treats a record created already expired as gone', async () => {
        const r = record({ expiresAt: Date.now() - 1000 });
        await store.create(r);
        expect(await store.get(r.id)).toBeNull();
        expect(await store.getExpired(Date.now())).toContain(r.id);
      });
    });

    describe('existing', () => {
      it('keeps, in order, the ids of sessions held and not expired', async () => {
        const held = [record(), record(), record()];
        const expired = record({ expiresAt: Date.now() - 1000 });
        const deleted = record();
        for (const r of [...held, expired, deleted]) await store.create(r);
        await store.delete(deleted.id);
        const never = record().id;
        const asked = [held[2]!.id, expired.id, never, held[0]!.id, deleted.id, held[1]!.id];
        expect(await store.existing(asked)).toEqual([held[2]!.id, held[0]!.id, held[1]!.id]);
        expect(await store.existing([])).toEqual([]);
      });

      it('answers for thousands of ids at once', async () => {
        const held = Array.from({ length: 30 }, () => record());
        for (const r of held) await store.create(r);
        const asked = [...Array.from({ length: 2_500 }, () => record().id), ...held.map((r) => r.id)];
        expect(await store.existing(asked)).toEqual(held.map((r) => r.id));
      });
    });

    describe('getExpired', () => {
      it('lists only ids that expire before the given time', async () => {
        const now = Date.now();
        const live = record();
        const soon = record({ expiresAt: now + 10 * 60_000 });
        const gone = [record(), record()];
        for (const r of [live, soon, ...gone]) await store.create(r);
        for (const r of gone) await store.touch(r.id, now - 1000);
        expect((await store.getExpired(now)).sort()).toEqual(gone.map((r) => r.id).sort());
        expect((await store.getExpired(now + 20 * 60_000)).sort()).toEqual([soon.id, ...gone.map((r) => r.id)].sort());
      });

      it('returns at most limit ids and all of them are expired', async () => {
        const now = Date.now();
        const gone = Array.from({ length: 5 }, () => record({ expiresAt: now - 1000 }));
        for (const r of [...gone, record(), record()]) await store.create(r);
        const ids = gone.map((r) => r.id);
        const some = await store.getExpired(now, 3);
        expect(some).toHaveLength(3);
        expect(new Set(some).size).toBe(3);
        for (const id of some) expect(ids).toContain(id);
        expect((await store.getExpired(now)).sort()).toEqual(ids.sort());
      });

      it('stops listing an expired id once it is deleted, so a cleanup loop drains', async () => {
        const now = Date.now();
        const gone = Array.from({ length: 7 }, () => record({ expiresAt: now - 1000 }));
        for (const r of gone) await store.create(r);
        const drained: string[] = [];
        for (let round = 0; round < 10; round++) {
          const batch = await store.getExpired(now, 3);
          if (batch.length === 0) break;
          for (const id of batch) await store.delete(id);
          drained.push(...batch);
        }
        expect(drained.sort()).toEqual(gone.map((r) => r.id).sort());
        expect(await store.count()).toBe(0);
      });

      it('returns an empty list when nothing expired', async () => {
        await store.create(record());
        expect(await store.getExpired(Date.now())).toEqual([]);
      });
    });

    describe('delete and count', () => {
      it('deletes a record so get, update and touch see it gone', async () => {
        const r = record();
        await store.create(r);
        expect(await store.delete(r.id)).toBe(true);
        expect(await store.get(r.id)).toBeNull();
        expect(await store.touch(r.id, Date.now() + HOUR)).toBe(false);
        await expectStoreError(store.update(r), 'not_found');
      });

      it('returns false when there was nothing to delete', async () => {
        expect(await store.delete('contract-never-created')).toBe(false);
      });

      it('lets a deleted id be created again', async () => {
        const r = record();
        await store.create(r);
        await store.delete(r.id);
        await store.create({ ...r, data: 'again' });
        expect((await store.get(r.id))?.data).toBe('again');
      });

      it('counts the records it holds', async () => {
        expect(await store.count()).toBe(0);
        const rs = [record(), record(), record()];
        for (const r of rs) await store.create(r);
        expect(await store.count()).toBe(3);
        await store.delete(rs[0]!.id);
        expect(await store.count()).toBe(2);
      });
    });

    describe('publish and subscribe', () => {
      /** Collects messages and resolves `until(n)` once n have arrived (bounded wait). */
      function collector() {
        const messages: string[] = [];
        let wake: (() => void) | null = null;
        return {
          messages,
          listener: (m: string) => {
            messages.push(m);
            wake?.();
          },
          async until(n: number): Promise<string[]> {
            const deadline = Date.now() + deliveryTimeoutMs;
            while (messages.length < n) {
              const left = deadline - Date.now();
              if (left <= 0) throw new Error(`got ${messages.length} of ${n} messages within ${deliveryTimeoutMs} ms`);
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, left);
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = null;
            }
            return messages;
          },
        };
      }

      it('delivers messages of one id in publish order', async () => {
        const c = collector();
        await store.subscribe('chan-a', c.listener);
        const sent = Array.from({ length: 50 }, (_, i) => JSON.stringify({ i, text: `m${i}` }));
        await Promise.all(sent.map((m) => store.publish('chan-a', m)));
        expect(await c.until(50)).toEqual(sent);
      });

      it('delivers to every subscriber of the id and to none of other ids', async () => {
        const a1 = collector();
        const a2 = collector();
        const b = collector();
        await store.subscribe('chan-a', a1.listener);
        await store.subscribe('chan-a', a2.listener);
        await store.subscribe('chan-b', b.listener);
        await store.publish('chan-a', 'for a');
        await store.publish('chan-b', 'for b');
        expect(await a1.until(1)).toEqual(['for a']);
        expect(await a2.until(1)).toEqual(['for a']);
        expect(await b.until(1)).toEqual(['for b']);
      });

      it('stops delivering to a listener once it unsubscribes', async () => {
        const gone = collector();
        const stays = collector();
        const unsubscribe = await store.subscribe('chan-u', gone.listener);
        await store.subscribe('chan-u', stays.listener);
        await store.publish('chan-u', 'before');
        await gone.until(1);
        await unsubscribe();
        await store.publish('chan-u', 'after');
        // The listener that stayed is the barrier: once it has 'after', so would the other.
        expect(await stays.until(2)).toEqual(['before', 'after']);
        expect(gone.messages).toEqual(['before']);
      });

      it('publishes the message of a winning update with a log, in order with other publishes; a losing one publishes nothing', async () => {
        if (store.readLog === undefined) return;
        const r = record();
        await store.create(r);
        const c = collector();
        await store.subscribe(r.id, c.listener);
        const current = await store.update(r, { entries: ['a'], keep: 3, message: 'first' });
        await expectStoreError(store.update(r, { entries: ['lost'], keep: 3, message: 'lost' }), 'conflict');
        await store.publish(r.id, 'between');
        await store.update(current, { entries: ['b'], keep: 3, message: 'second' });
        // The last publish is the barrier: a message of the losing write would have come before it.
        await store.publish(r.id, 'last');
        expect(await c.until(4)).toEqual(['first', 'between', 'second', 'last']);
        await expectStoreError(store.update(current, { entries: ['b'], keep: 3, message: 7 as unknown as string }), 'invalid');
      });

      it('accepts a publish with no subscribers', async () => {
        await expect(store.publish('chan-nobody', 'lost')).resolves.toBeUndefined();
      });
    });

    describe('a log beside each record (readLog)', () => {
      it('appends with a winning update only, keeps the last `keep`, starts empty and goes with the record; or there is none', async () => {
        const r = record();
        await store.create(r);
        if (store.readLog === undefined) {
          // A store without one ignores the entries: the log is then the caller's, in the record.
          const written = await store.update({ ...r, data: { n: 1 } }, { entries: ['a'], keep: 3 });
          expect(written.data).toEqual({ n: 1 });
          return;
        }
        expect(await store.readLog(r.id)).toEqual([]);
        let current = await store.update(r, { entries: ['a', 'b'], keep: 3 });
        current = await store.update(current, { entries: ['c', 'd'], keep: 3 });
        expect(await store.readLog(r.id)).toEqual(['b', 'c', 'd']);
        await expectStoreError(store.update({ ...current, version: current.version - 1 }, { entries: ['lost'], keep: 3 }), 'conflict');
        current = await store.update(current);
        expect(await store.readLog(r.id)).toEqual(['b', 'c', 'd']);
        await expectStoreError(store.update(current, { entries: [1 as unknown as string], keep: 3 }), 'invalid');
        await store.delete(r.id);
        expect(await store.readLog(r.id)).toEqual([]);
        await store.create(r);
        expect(await store.readLog(r.id)).toEqual([]);
      });
    });

    describe('close', () => {
      it('resolves, after which calls reject with a StoreError instead of hanging', async () => {
        await store.close();
        closed = true;
        await expect(store.get('any')).rejects.toBeInstanceOf(StoreError);
        await expect(store.create(record())).rejects.toBeInstanceOf(StoreError);
      });
    });
  });
}
