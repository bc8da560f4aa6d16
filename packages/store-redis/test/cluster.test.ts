import { describe, expect, it } from 'vitest';
import { StateTemplate } from '@statetemplate/session';
import { describeStoreContract, needs } from '@statetemplate/test-utils';
import { keyLayout, RedisSessionStore } from '../src/index.js';
import { signingKey, todoPage, todoTemplate, withItem } from './fixtures/todo-page.mjs';
import { redisServer, useRedisCluster } from './redis-fixture.js';
import { eventually } from './waits.js';
import { topicAcrossInstances } from './topic-scenario.js';

describe('RedisSessionStore on a real Redis Cluster (3 masters)', needs(redisServer), () => {
  const redis = useRedisCluster({ masters: 3 });
  const store = (prefix: string) => new RedisSessionStore({ cluster: { nodes: [...redis.cluster.startupNodes] }, prefix });

  let namespace = 0;
  describeStoreContract('redis cluster', () => store(`contract-${++namespace}:`));

  it("spreads a store's sessions over every master, each session's keys in one slot", async () => {
    const sessions = store('spread:');
    try {
      const now = Date.now();
      for (let i = 0; i < 64; i++) await sessions.create({ id: `s${i}`, version: 1, createdAt: now, expiresAt: now + 60_000, data: { i } });
      const masters = new Set<number>();
      for (let i = 0; i < 64; i++) masters.add(await redis.cluster.masterOf(keyLayout('spread:').session(`s${i}`)));
      expect(masters.size).toBe(3);
      expect(await sessions.count()).toBe(64);
      expect((await sessions.existing(['s1', 's40', 'nope'])).sort()).toEqual(['s1', 's40']);
      expect((await sessions.getExpired(now + 120_000, 10)).length).toBe(10);
    } finally {
      await sessions.close();
    }
  });

  it('serves one session from two instances: renders cross through sharded pub/sub', async () => {
    const [storeA, storeB] = [store('two:'), store('two:')];
    const [a, b] = [new StateTemplate(todoTemplate, { store: storeA, signingKey }), new StateTemplate(todoTemplate, { store: storeB, signingKey })];
    try {
      const page = todoPage('shared');
      const created = await a.newSession(page);
      const onA = await a.getSession(created.sessionId, created.token);
      const onB = await b.getSession(created.sessionId, created.token);
      const seen: number[] = [];
      const stream = onA.updates();
      void (async () => {
        for await (const update of stream) seen.push(update.seq);
      })();
      let data = page;
      for (let i = 0; i < 10; i++) await (i % 2 === 0 ? onA : onB).render((data = withItem(data, i, `edit ${i}`)));
      await eventually(() => seen.length > 0 && seen.at(-1) === onB.seq);
      expect(seen).toEqual(seen.map((_, i) => i + 1));
      const resync = await onB.updatesSince(-1);
      expect('resync' in resync && resync.seq).toBe(onB.seq);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });

  it('shares a topic between instances through sharded pub/sub', async () => {
    const [storeA, storeB] = [store('topic:'), store('topic:')];
    const [a, b] = [new StateTemplate(todoTemplate, { store: storeA, signingKey }), new StateTemplate(todoTemplate, { store: storeB, signingKey })];
    try {
      await topicAcrossInstances(a, b);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await Promise.all([storeA.close(), storeB.close()]);
    }
  });
});
