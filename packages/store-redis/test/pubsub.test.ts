import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { defaultPrefix, keyLayout } from '../src/index.js';
import { redisServer, useRedisServer } from './redis-fixture.js';
import { eventually } from './waits.js';

describe('RedisSessionStore publish and subscribe', needs(redisServer), () => {
  const redis = useRedisServer();

  it('delivers messages published on one store to another in publish order, per id', async () => {
    const [publisher, subscriber] = [redis.store(), redis.store()];
    const received = new Map<string, string[]>([['x', []], ['y', []]]);
    for (const [id, messages] of received) await subscriber.subscribe(id, (m) => messages.push(m));
    const sent = Array.from({ length: 200 }, (_, i) => ({ id: i % 3 === 0 ? 'y' : 'x', message: `${i}` }));
    await Promise.all(sent.map(({ id, message }) => publisher.publish(id, message)));
    await eventually(() => [...received.values()].flat().length === sent.length);
    for (const [id, messages] of received) expect(messages).toEqual(sent.filter((s) => s.id === id).map((s) => s.message));
  });

  it('uses one subscriber connection per store, however many ids it subscribes', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    await store.count();
    const connectionsBefore = String(await inspect.client('LIST')).trim().split('\n').length;
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.subscribe(`id-${i}`, () => undefined)));
    const connectionsAfter = String(await inspect.client('LIST')).trim().split('\n').length;
    expect(connectionsAfter - connectionsBefore).toBe(1);
    const channel = keyLayout(defaultPrefix).updates('id-7');
    expect(await inspect.pubsub('SHARDNUMSUB', channel)).toEqual([channel, 1]);
  });

  it('unsubscribes from Redis only when the last listener of an id leaves', async () => {
    const store = redis.store();
    const inspect = redis.inspector();
    const channel = keyLayout(defaultPrefix).updates('shared');
    const first = await store.subscribe('shared', () => undefined);
    const second = await store.subscribe('shared', () => undefined);
    await first();
    expect(await inspect.pubsub('SHARDNUMSUB', channel)).toEqual([channel, 1]);
    await second();
    expect(await inspect.pubsub('SHARDNUMSUB', channel)).toEqual([channel, 0]);
  });

  it('hands a throwing listener to onError and still delivers to the others', async () => {
    const errors: unknown[] = [];
    const store = redis.store({ onError: (error) => errors.push(error) });
    const received: string[] = [];
    await store.subscribe('noisy', () => {
      throw new Error('listener bug');
    });
    await store.subscribe('noisy', (m) => received.push(m));
    await store.publish('noisy', 'one');
    await store.publish('noisy', 'two');
    await eventually(() => received.length === 2);
    expect(received).toEqual(['one', 'two']);
    expect(errors).toHaveLength(2);
    expect((errors[0] as Error).message).toBe('listener bug');
  });

  it('resolves an unsubscribe while Redis is down, and the listener hears nothing after', async () => {
    const store = redis.store({ onError: () => undefined });
    const publisher = redis.store();
    const received: string[] = [];
    const unsubscribe = await store.subscribe('leaving', (m) => received.push(m));
    await redis.server.stop();
    await expect(unsubscribe()).resolves.toBeUndefined();
    await redis.server.start();
    const staying: string[] = [];
    await eventually(() => store.subscribe('staying', (m) => staying.push(m)).then(() => true, () => false));
    await eventually(() => publisher.count().then(() => true, () => false));
    await publisher.publish('leaving', 'after');
    await publisher.publish('staying', 'barrier');
    await eventually(() => staying.length === 1);
    expect(received).toEqual([]);
  });
});
