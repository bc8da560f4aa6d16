import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '@statetemplate/store';
import { keyLayout, defaultPrefix } from '../src/index.js';
import { redisOk, useRedisServer } from './redis-fixture.js';
import { eventually } from './waits.js';

const keys = keyLayout(defaultPrefix);

function session(id: string, ttlMs: number): SessionRecord {
  const now = Date.now();
  return { id, version: 1, createdAt: now, expiresAt: now + ttlMs, data: { id } };
}

describe.skipIf(!redisOk)('RedisSessionStore expiry', () => {
  const redis = useRedisServer();

  it('sets the key TTL from expiresAt on create, update and touch', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    const created = session('ttl', 60_000);
    await store.create(created);
    const afterCreate = await inspect.pttl(keys.session('ttl'));
    expect(afterCreate).toBeGreaterThan(55_000);
    expect(afterCreate).toBeLessThanOrEqual(60_000);

    await store.update({ ...created, expiresAt: Date.now() + 120_000 });
    const afterUpdate = await inspect.pttl(keys.session('ttl'));
    expect(afterUpdate).toBeGreaterThan(115_000);
    expect(afterUpdate).toBeLessThanOrEqual(120_000);

    const touchedTo = Date.now() + 600_000;
    expect(await store.touch('ttl', touchedTo)).toBe(true);
    const afterTouch = await inspect.pttl(keys.session('ttl'));
    expect(afterTouch).toBeGreaterThan(595_000);
    expect(afterTouch).toBeLessThanOrEqual(600_000);
    expect(await inspect.zscore(keys.expiry, 'ttl')).toBe(String(touchedTo));
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
    await store.create(session('kept', 200));
    await store.touch('kept', Date.now() + 60_000);
    await store.create(session('short-lived', 200));
    // Once a session created later has expired, the touched one would have too.
    await eventually(async () => (await inspect.exists(keys.session('short-lived'))) === 0);
    expect(await store.get('kept')).not.toBeNull();
  });

  it('creates 10,000 sessions that expire and leave no keys behind after cleanup', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    const total = 10_000;
    for (let start = 0; start < total; start += 1_000) {
      await Promise.all(Array.from({ length: 1_000 }, (_, i) => store.create(session(`bulk-${start + i}`, 1_000))));
    }
    expect(await store.count()).toBe(total);
    expect(await inspect.dbsize()).toBeGreaterThan(total / 2);
    // Redis drops the session hashes by itself; only the expiry index is left.
    await eventually(async () => (await inspect.dbsize()) === 1, 20_000, 100);
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
