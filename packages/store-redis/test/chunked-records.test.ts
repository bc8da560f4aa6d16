import { describe, expect, it } from 'vitest';
import type { SessionRecord } from '@statetemplate/store';
import { needs } from '@statetemplate/test-utils';
import { keyLayout } from '../src/index.js';
import { redisServer, useRedisServer } from './redis-fixture.js';

const HOUR = 3_600_000;
const list = (n: number, done = -1) => ({ items: Array.from({ length: n }, (_, id) => ({ id, text: `todo number ${id}`, done: id === done })) });

describe('RedisSessionStore keeps record data in chunks', needs(redisServer), () => {
  const redis = useRedisServer();
  const session = (id: string, data: SessionRecord['data']): SessionRecord => ({ id, version: 1, createdAt: Date.now(), expiresAt: Date.now() + HOUR, data });
  const fields = async (id: string) => Object.keys(await redis.inspector().hgetall(keyLayout('statetemplate:').session(id)));

  it('writes what changed, drops what is no longer reached, and another store reads every version whole', async () => {
    const [writer, reader] = [redis.store(), redis.store()];
    let record = session('chunked', list(300));
    await writer.create(record);
    const before = new Set(await fields('chunked'));
    const items = [...(record.data as ReturnType<typeof list>).items];
    items[150] = { ...items[150]!, done: true };
    record = await writer.update({ ...record, data: { items } });
    const after = await fields('chunked');
    const added = after.filter((f) => !before.has(f));
    expect(added.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThan(6);
    // The old item's chunk, and the page and list that held it, are gone: the hash holds one version.
    expect(after.length).toBe(before.size);
    expect((await reader.get('chunked'))!.data).toEqual({ items });
    // The reader writes next from what it read, without rewriting what the hash holds.
    const read = (await reader.get('chunked'))!;
    const more = [...items, { id: 300, text: 'appended', done: false }];
    await reader.update({ ...read, data: { items: more } });
    expect((await writer.get('chunked'))!.data).toEqual({ items: more });
  });

  it('reads a record written as one JSON field, and rewrites it in chunks at its next update', async () => {
    const store = redis.store();
    const key = keyLayout('statetemplate:').session('legacy');
    const now = Date.now();
    await redis.inspector().hset(key, 'version', 3, 'createdAt', now, 'expiresAt', now + HOUR, 'data', JSON.stringify(list(20)));
    await redis.inspector().pexpire(key, HOUR);
    const read = (await store.get('legacy'))!;
    expect([read.version, read.data]).toEqual([3, list(20)]);
    await store.update({ ...read, data: list(20, 4) });
    expect(await fields('legacy')).not.toContain('data');
    expect((await redis.store().get('legacy'))!.data).toEqual(list(20, 4));
  });
});
