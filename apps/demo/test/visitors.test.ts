import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SessionNotFoundError, StateTemplate, type Session } from '@statetemplate/session';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { demoTemplates } from '../src/templates.js';
import { TodoStore } from '../src/todo-store.js';
import { newVisitor } from '../src/visitor.js';
import { VisitorStore } from '../src/visitor-store.js';
import { Visitors } from '../src/visitors.js';

const GRACE_MS = 60_000;

/** Two instances' Visitors over one pair of stores, as two demo processes sharing Redis would be. */
describe('the pages an instance holds (Visitors)', () => {
  let stateTemplate: StateTemplate;
  let todos: TodoStore;
  let store: VisitorStore;
  let one: Visitors;
  let two: Visitors;

  beforeEach(async () => {
    const views = await demoTemplates();
    stateTemplate = new StateTemplate(views.template('app'), { signingKey: 'k'.repeat(32), watch: false });
    todos = await TodoStore.open(new MemorySessionStore());
    store = new VisitorStore(new MemorySessionStore(), 30 * 60_000);
    one = new Visitors(todos, store, GRACE_MS);
    two = new Visitors(todos, store, GRACE_MS);
  });
  afterEach(async () => {
    await todos.close();
    await stateTemplate.close();
  });

  /** A page served by `visitors`: its session and visitor, as GET / makes them. */
  async function servePage(visitors: Visitors): Promise<{ session: Session; token: string }> {
    const visitor = newVisitor('Ada', 'all', visitors.id);
    const { sessionId, token } = await stateTemplate.newSession(visitors.view(visitor));
    const session = await stateTemplate.getSession(sessionId, token);
    await visitors.add(session, visitor);
    return { session, token };
  }

  it('lets a page go after the grace even when its connection closed before its visitor was loaded', async () => {
    const { session } = await servePage(one);
    const connecting = one.connected(session);
    one.disconnected(session.id);
    await expect(connecting).resolves.toBe(true);
    await one.tick(Date.now() + GRACE_MS + 1000);
    expect(one.holds(session.id)).toBe(false);
    await expect(store.get(session.id)).resolves.toBeNull();
  });

  it('hands a page to the instance its connection lands on: only that one ticks it, the other lets go', async () => {
    const { session } = await servePage(one);
    await expect(two.connected(session)).resolves.toBe(true);
    expect((await store.get(session.id))?.holder).toBe(two.id);
    for (let i = 0; i < 2; i++) await Promise.all([one.tick(), two.tick()]);
    expect(one.holds(session.id)).toBe(false);
    expect(two.holds(session.id)).toBe(true);
    expect((await store.get(session.id))?.seconds).toBe(2);
  });

  it('never ends a session another instance took over, even past the grace where the page was served', async () => {
    const { session, token } = await servePage(one);
    await two.connected(session);
    await one.tick(Date.now() + GRACE_MS + 1000);
    expect(one.holds(session.id)).toBe(false);
    await expect(stateTemplate.getSession(session.id, token)).resolves.toBeDefined();
    expect((await store.get(session.id))?.holder).toBe(two.id);
  });

  it('carries the clock and the traffic totals on from instance to instance, and back', async () => {
    const { session } = await servePage(one);
    /** Two ticks where the page is: the totals written on a tick count the renders before it. */
    const twoTicksOn = async (visitors: Visitors) => {
      await visitors.connected(session);
      await visitors.tick();
      await visitors.tick();
      visitors.disconnected(session.id);
      return (await store.get(session.id))!;
    };
    const atOne = await twoTicksOn(one);
    const atTwo = await twoTicksOn(two);
    const back = await twoTicksOn(one);
    expect([atOne.seconds, atTwo.seconds, back.seconds]).toEqual([2, 4, 6]);
    expect(back.holder).toBe(one.id);
    expect(atOne.stats.updates).toBeGreaterThan(0);
    expect(atTwo.stats.updates).toBeGreaterThan(atOne.stats.updates);
    expect(back.stats.updates).toBeGreaterThan(atTwo.stats.updates);
  });

  it('ends the session of a page whose visitor is gone, so the page reloads into a new one', async () => {
    const { session, token } = await servePage(one);
    await store.delete(session.id);
    await one.render(session.id);
    expect(one.holds(session.id)).toBe(false);
    await expect(stateTemplate.getSession(session.id, token)).rejects.toBeInstanceOf(SessionNotFoundError);
    await expect(two.connected(session)).resolves.toBe(false);
  });
});
