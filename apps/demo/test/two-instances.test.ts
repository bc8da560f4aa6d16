import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium, redisAvailable, requireResource, startRedisServer, type RedisServer } from '@statetemplate/test-utils';
import { Demo } from '../src/app.js';
import { expectFreshRender, hasChromium, newVisitorContext, openLivePage, WAIT_MS, type Harness } from './support/harness.js';
import { activeTodo, addTodo, todoId } from './support/todos.js';

const hasRedis = requireResource('redis-server', redisAvailable(), 'install Redis: apt-get install -y redis-server');

describe.skipIf(!hasChromium || !hasRedis)('two demo instances sharing one Redis (REDIS_URL)', () => {
  let redis: RedisServer;
  let browser: Browser;
  const instances: Harness[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    browser = await launchChromium();
    for (let i = 0; i < 2; i++) {
      const demo = await Demo.start({ redisUrl: redis.url, tickMs: 0 });
      instances.push({ demo, url: await demo.listen(0), browser });
    }
  });
  afterAll(async () => {
    await browser?.close();
    for (const { demo } of instances) await demo.close();
    await redis?.stop();
  });

  it('shows a change made through one instance to a visitor of the other', async () => {
    const [one, two] = instances as [Harness, Harness];
    const contexts = [await newVisitorContext(browser), await newVisitorContext(browser)];
    const a = await openLivePage(one, contexts[0]!);
    const b = await openLivePage(two, contexts[1]!);

    await addTodo(a.page, 'through instance one');
    await activeTodo(b.page, 'through instance one').waitFor({ timeout: WAIT_MS });
    await addTodo(b.page, 'through instance two');
    const id = todoId(two.demo, 'through instance two');
    await b.page.click(`li[data-id="${id}"] button.toggle`);
    await a.page.locator(`li.todo.done[data-id="${id}"]`).waitFor({ timeout: WAIT_MS });

    await expectFreshRender(one, a);
    await expectFreshRender(two, b);
    await Promise.all(contexts.map((c) => c.close()));
  });
});
