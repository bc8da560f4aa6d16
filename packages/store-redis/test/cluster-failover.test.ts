import { describe, expect, it } from 'vitest';
import { StoreError, type SessionRecord } from '@statetemplate/store';
import { HEAVY_TEST_MS, needs } from '@statetemplate/test-utils';
import { keyLayout, RedisSessionStore } from '../src/index.js';
import { redisServer, useRedisCluster } from './redis-fixture.js';
import { eventually } from './waits.js';

/** Hang guard for the cluster's own recovery (a failover, a node's resync): a loaded machine may take a while. */
const RECOVERY_MS = HEAVY_TEST_MS / 3;

describe('a Redis Cluster master killed, its replica taking over', needs(redisServer), () => {
  const redis = useRedisCluster({ masters: 3, replicas: 1 });
  const store = (prefix: string, durability?: { replicas: number; timeoutMs?: number }) =>
    new RedisSessionStore({ cluster: { nodes: [...redis.cluster.startupNodes] }, prefix, ...(durability && { durability }) });
  const record = (id: string): SessionRecord => ({ id, version: 1, createdAt: Date.now(), expiresAt: Date.now() + 600_000, data: { n: 0 } });

  it('refuses a write no replica count can confirm as timeout, after the primary took it', async () => {
    const strict = store('strict:', { replicas: 2, timeoutMs: 100 });
    try {
      const error = await strict.create(record('unconfirmed')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe('timeout');
      expect(await strict.get('unconfirmed')).not.toBeNull();
    } finally {
      await strict.close();
    }
  });

  it('keeps every write acknowledged with durability, and serves on through the new master', { timeout: HEAVY_TEST_MS }, async () => {
    const durable = store('durable:', { replicas: 1 });
    try {
      let current = record('kept');
      await durable.create(current);
      for (let n = 1; n <= 20; n++) current = await durable.update({ ...current, data: { n } });
      const port = await redis.cluster.masterOf(keyLayout('durable:').session('kept'));
      await redis.cluster.nodes.find((node) => node.port === port)!.signal('SIGKILL');
      await redis.cluster.ready();
      // The client learns the new owner of the slot by itself; until then its commands fail fast.
      let read: SessionRecord | null = null;
      await eventually(async () => (read = await durable.get('kept').catch(() => null)) !== null, RECOVERY_MS);
      expect(await redis.cluster.masterOf(keyLayout('durable:').session('kept'))).not.toBe(port);
      expect([read!.version, read!.data]).toEqual([21, { n: 20 }]);
      // Its replica is now the master and has none of its own: a durable write lands there but is refused.
      const alone = await durable.update({ ...read!, data: { n: 21 } }).catch((error: unknown) => error);
      expect((alone as StoreError).code).toBe('timeout');
      // The killed node comes back as the new master's replica: durable writes pass again.
      await redis.cluster.nodes.find((node) => node.port === port)!.start();
      let written: SessionRecord | null = null;
      await eventually(async () => {
        const latest = await durable.get('kept').catch(() => null);
        written = latest && (await durable.update({ ...latest, data: { n: 99 } }).catch(() => null));
        return written !== null;
      }, RECOVERY_MS);
      expect(written!.data).toEqual({ n: 99 });
    } finally {
      await durable.close();
    }
  });

  it("tells a store's subscribers once their channel's new master serves them, and delivers on it", { timeout: HEAVY_TEST_MS }, async () => {
    const [subscriber, publisher] = [store('resubscribe:'), store('resubscribe:')];
    try {
      const got: string[] = [];
      await subscriber.subscribe('watched', (message) => got.push(message));
      let resubscribed = 0;
      subscriber.onResubscribe(() => resubscribed++);
      await publisher.publish('watched', 'before');
      await eventually(() => got.includes('before'));
      const port = await redis.cluster.masterOf(keyLayout('resubscribe:').updates('watched'));
      const node = redis.cluster.nodes.find((n) => n.port === port)!;
      await node.signal('SIGKILL');
      await redis.cluster.ready();
      // Messages published while the subscription moved may be lost: the listener is what says so.
      await eventually(() => resubscribed > 0, RECOVERY_MS);
      await eventually(async () => {
        await publisher.publish('watched', 'after').catch(() => undefined);
        return got.includes('after');
      }, RECOVERY_MS);
      await node.start();
      await redis.cluster.ready();
    } finally {
      await Promise.all([subscriber.close(), publisher.close()]);
    }
  });
});
