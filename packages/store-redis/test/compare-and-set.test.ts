import { describe, expect, it } from 'vitest';
import { StoreError, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { needs } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';

const HOUR = 3_600_000;

/** Reads, increments and writes back `data.n` until its compare-and-set wins; returns the retries it needed. */
async function increment(store: SessionStore, id: string): Promise<number> {
  for (let retries = 0; ; retries++) {
    const current = (await store.get(id))!;
    const { n } = current.data as { n: number };
    try {
      await store.update({ ...current, data: { n: n + 1 } });
      return retries;
    } catch (error) {
      if (!(error instanceof StoreError && error.code === 'conflict')) throw error;
    }
  }
}

describe('RedisSessionStore compare-and-set', needs(redisServer), () => {
  const redis = useRedisServer();

  function session(id: string): SessionRecord {
    const now = Date.now();
    return { id, version: 1, createdAt: now, expiresAt: now + HOUR, data: { n: 0 } };
  }

  it('lets exactly one of 100 updates from the same version win across separate connections', async () => {
    const stores = Array.from({ length: 4 }, () => redis.store());
    const record = session('race');
    await stores[0]!.create(record);
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => stores[i % stores.length]!.update({ ...record, data: { n: i } })),
    );
    const won = results.filter((r): r is PromiseFulfilledResult<SessionRecord> => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as StoreError).code] : []));
    expect(codes).toEqual(Array(99).fill('conflict'));
    expect(await stores[1]!.get('race')).toEqual({ ...won[0]!.value });
  });

  it('loses no increment when 4 instances race 50 read-modify-write loops each', async () => {
    const stores = Array.from({ length: 4 }, () => redis.store());
    await stores[0]!.create(session('counter'));
    const retries = await Promise.all(
      stores.flatMap((store) => Array.from({ length: 50 }, () => increment(store, 'counter'))),
    );
    const final = await stores[0]!.get('counter');
    expect(final?.data).toEqual({ n: 200 });
    expect(final?.version).toBe(201);
    // The race was real: some writers had to retry.
    expect(retries.some((r) => r > 0)).toBe(true);
  });
});
