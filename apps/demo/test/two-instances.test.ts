import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, needs, redisAvailable, requireResource, startRedisServer, type RedisServer } from '@statetemplate/test-utils';
import { Demo } from '../src/app.js';
import { startBalancer, type Balancer } from './support/balancer.js';
import { cuttableSocket } from './support/cuttable-socket.js';
import { expectFreshRender, chromium, newVisitorContext, openLivePage, WAIT_MS, type Harness, type LivePage } from './support/harness.js';
import { activeTodo, addTodo, todoId } from './support/todos.js';

const redisServer = requireResource('redis-server', redisAvailable(), 'install Redis: apt-get install -y redis-server');

describe('two demo instances sharing one Redis (REDIS_URL)', needs(chromium, redisServer), () => {
  // Instances open each other's sessions only with one signing key (SIGNING_KEY).
  const signingKey = randomBytes(32).toString('hex');
  let redis: RedisServer;
  let browser: Browser;
  let balancer: Balancer;
  const instances: Harness[] = [];

  async function startInstance(port = 0): Promise<Harness> {
    const demo = await Demo.start({ redisUrl: redis.url, signingKey, tickMs: 0 });
    return { demo, url: await demo.listen(port), browser };
  }

  beforeAll(async () => {
    redis = await startRedisServer();
    browser = await launchChromium();
    for (let i = 0; i < 2; i++) instances.push(await startInstance());
    balancer = await startBalancer({ pages: portOf(instances[0]!), sockets: portOf(instances[0]!) });
  });
  afterAll(async () => {
    await browser?.close();
    await balancer?.close();
    for (const { demo } of instances) await demo.close();
    await redis?.stop();
  });

  /** One second passes on every instance, as their timers would tick it. */
  async function tickAll(): Promise<void> {
    await Promise.all(instances.map(({ demo }) => demo.tick()));
  }

  /** Waits until `instance` holds the page's visitor (its connection landed there). */
  async function heldBy(instance: Harness, live: LivePage): Promise<void> {
    await expect
      .poll(async () => (await instance.demo.visitors.load(live.sessionId))?.holder, { timeout: WAIT_MS, interval: 20 })
      .toBe(instance.demo.visitors.id);
  }

  /** The page shows this visitor's own state: their name, filter and seconds on the page. */
  async function showsVisitor(page: Page, name: string, filter: string, seconds: number): Promise<void> {
    await page.locator('strong.visitor', { hasText: name }).waitFor({ timeout: WAIT_MS });
    await page.locator('a.filter.selected', { hasText: filter }).waitFor({ timeout: WAIT_MS });
    await page.locator('#seconds', { hasText: new RegExp(`^${seconds}$`) }).waitFor({ timeout: WAIT_MS });
  }

  async function rename(page: Page, name: string): Promise<void> {
    await page.fill('#name', name);
    await page.press('#name', 'Enter');
    await page.locator('strong.visitor', { hasText: name }).waitFor({ timeout: WAIT_MS });
  }

  async function chooseFilter(page: Page, filter: 'all' | 'active' | 'done'): Promise<void> {
    await page.click(`a.filter[href="/?filter=${filter}"]`);
    await page.locator(`a.filter.selected[href="/?filter=${filter}"]`).waitFor({ timeout: WAIT_MS });
  }

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

  it("goes live on the instance its socket lands on, and its visitor's name, filter and clock follow every move", async () => {
    const [one, two] = instances as [Harness, Harness];
    balancer.route({ pages: portOf(one), sockets: portOf(two) });
    const context = await newVisitorContext(browser);
    const otherContext = await newVisitorContext(browser);
    // Served by one, live through two, behind one address.
    const live = await openLivePage({ ...one, url: balancer.url }, context);
    expect(balancer.sockets.at(-1)).toBe(portOf(two));
    await heldBy(two, live);

    await rename(live.page, 'Moving Mo');
    await chooseFilter(live.page, 'active');
    // Both instances tick: only the one holding the page moves its clock, the other lets the page go.
    await tickAll();
    await tickAll();
    await showsVisitor(live.page, 'Moving Mo', 'Active', 2);
    expect(one.demo.visitors.holds(live.sessionId)).toBe(false);

    // Shared changes cross both ways: from a visitor of one to the page on two, and back.
    const other = await openLivePage(one, otherContext);
    await addTodo(other.page, 'added on one');
    await activeTodo(live.page, 'added on one').waitFor({ timeout: WAIT_MS });
    await addTodo(live.page, 'added through two');
    await activeTodo(other.page, 'added through two').waitFor({ timeout: WAIT_MS });
    await expectFreshRender(two, live);

    // Failover: the balancer sends sockets to one and drops every connection; the page reconnects there.
    balancer.route({ pages: portOf(one), sockets: portOf(one) });
    balancer.cut();
    await heldBy(one, live);
    await tickAll();
    await showsVisitor(live.page, 'Moving Mo', 'Active', 3);
    await rename(live.page, 'Moved Mo');
    await expectFreshRender(one, live);
    await Promise.all([context.close(), otherContext.close()]);
  });

  it('keeps its sessions usable across a restart: the page reconnects and its visitor carries on', async () => {
    const [one, two] = instances as [Harness, Harness];
    const context = await newVisitorContext(browser);
    const socket = await cuttableSocket(context);
    const live = await openLivePage(two, context);
    await rename(live.page, 'Restart Rita');
    await chooseFilter(live.page, 'active');
    await tickAll();
    await showsVisitor(live.page, 'Restart Rita', 'Active', 1);

    // The instance stops (closing the page's socket) and a new process starts on its port. The page's
    // reconnects are held meanwhile, so it is back one short backoff later however long the restart took.
    socket.hold();
    await two.demo.close();
    const restarted = await startInstance(portOf(two));
    instances[1] = restarted;
    await socket.restore();
    await heldBy(restarted, live);
    await live.page.locator('#connection[data-state="live"]').waitFor({ timeout: WAIT_MS });
    await tickAll();
    await showsVisitor(live.page, 'Restart Rita', 'Active', 2);

    // Live both ways again: a shared change from the other instance, and the visitor's own action.
    await one.demo.todos.apply({ type: 'add', text: 'added after the restart' });
    await activeTodo(live.page, 'added after the restart').waitFor({ timeout: WAIT_MS });
    await chooseFilter(live.page, 'done');
    await expectFreshRender(restarted, live);
    await context.close();
  });
});

function portOf(instance: Harness): number {
  return Number(instance.url.port);
}
