import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { SessionRecord } from '@statetemplate/store';
import { keyLayout, defaultPrefix } from '../src/index.js';
import { HANG_GUARD_MS, HEAVY_TEST_MS, needs } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';
import { eventually } from './waits.js';

const keys = keyLayout(defaultPrefix);
const HOUR = 3_600_000;

function session(id: string, ttlMs: number): SessionRecord {
  const now = Date.now();
  return { id, version: 1, createdAt: now, expiresAt: now + ttlMs, data: { id } };
}

/**
 * Asserts that `key` expires at `expiresAt`: its PTTL is bounded by the clock read before the write
 * (`sentAfter`) and after the PTTL reply, so the check is exact however long the calls took.
 */
async function expectTtlEndsAt(inspect: Redis, key: string, expiresAt: number, sentAfter: number): Promise<void> {
  const ttl = await inspect.pttl(key);
  const readBy = Date.now();
  expect(ttl).toBeLessThanOrEqual(expiresAt - sentAfter);
  expect(ttl).toBeGreaterThanOrEqual(expiresAt - readBy);
}

describe('RedisSessionStore expiry', needs(redisServer), () => {
  const redis = useRedisServer();

  it('sets the key TTL from expiresAt on create, update and touch', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    const key = keys.session('ttl');
    let sentAfter = Date.now();
    const created = session('ttl', 60_000);
    await store.create(created);
    await expectTtlEndsAt(inspect, key, created.expiresAt, sentAfter);

    sentAfter = Date.now();
    const updatedTo = sentAfter + 120_000;
    await store.update({ ...created, expiresAt: updatedTo });
    await expectTtlEndsAt(inspect, key, updatedTo, sentAfter);

    sentAfter = Date.now();
    const touchedTo = sentAfter + 600_000;
    expect(await store.touch('ttl', touchedTo)).toBe(true);
    await expectTtlEndsAt(inspect, key, touchedTo, sentAfter);
    expect(await inspect.zscore(keys.expiry('ttl'), 'ttl')).toBe(String(touchedTo));
    expect((await store.get('ttl'))?.expiresAt).toBe(touchedTo);
  });

  it('lets Redis itself remove a session whose TTL ran out, leaving it to getExpired', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    await store.create(session('short', 50));
    await eventually(async () => (await inspect.exists(keys.session('short'))) === 0);
    expect(await store.get('short')).toBeNull();
    expect(await store.touch('short', Date.now() + 60_000)).toBe(false);
    expect(await store.getExpired(Date.now())).toEqual(['short']);
    expect(await store.delete('short')).toBe(true);
    expect(await inspect.dbsize()).toBe(0);
  });

  it('keeps a touched session alive past its first expiry', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    // Sent together on one connection: Redis runs the touch right after the create, within the
    // first second however loaded the machine is, and the touch gives the session an hour.
    const [, touched] = await Promise.all([
      store.create(session('kept', 1_000)),
      store.touch('kept', Date.now() + HOUR),
      store.create(session('short-lived', 1_000)),
    ]);
    expect(touched).toBe(true);
    // Once the session created with the same first expiry is gone, the touched one would be too.
    await eventually(async () => (await inspect.exists(keys.session('short-lived'))) === 0);
    expect(await store.get('kept')).not.toBeNull();
  });

  it('creates 10,000 sessions that expire and leave no keys behind after cleanup', { timeout: HEAVY_TEST_MS }, async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    const total = 10_000;
    for (let start = 0; start < total; start += 1_000) {
      await Promise.all(Array.from({ length: 1_000 }, (_, i) => store.create(session(`bulk-${start + i}`, 1_000))));
    }
    // The index holds every id, whether or not Redis has dropped its hash yet.
    expect(await store.count()).toBe(total);
    // Redis drops the session hashes by itself; only the shards' expiry indexes are left.
    await eventually(async () => (await inspect.dbsize()) === keys.expiries.length, HANG_GUARD_MS, 100);
    const drained = new Set<string>();
    for (;;) {
      const batch = await store.getExpired(Date.now(), 1_000);
      if (batch.length === 0) break;
      await Promise.all(batch.map((id) => store.delete(id)));
      batch.forEach((id) => drained.add(id));
    }
    expect(drained.size).toBe(total);
    expect(await store.count()).toBe(0);
    expect(await inspect.dbsize()).toBe(0);
    const [, leftover] = await inspect.scan('0', 'COUNT', 1_000);
    expect(leftover).toEqual([]);
  });
});
