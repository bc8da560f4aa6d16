import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { cuttableSocket } from './support/cuttable-socket.js';
import { expectFreshRender, chromium, newVisitorContext, openLivePage, useDemo, WAIT_MS, type LivePage } from './support/harness.js';
import { addTodo } from './support/todos.js';

describe('a socket cut while updates happen', needs(chromium), () => {
  const harness = useDemo();

  /** A visitor whose socket the test can cut, and another who keeps changing the shared list. */
  async function setUp() {
    const cutContext = await newVisitorContext(harness.browser);
    const socket = await cuttableSocket(cutContext);
    const cutOff = await openLivePage(harness, cutContext);
    const otherContext = await newVisitorContext(harness.browser);
    const other = await openLivePage(harness, otherContext);
    const close = async () => void (await Promise.all([cutContext.close(), otherContext.close()]));
    return { socket, cutOff, other, close };
  }

  async function state(live: LivePage, state: 'live' | 'offline'): Promise<void> {
    await live.page.locator(`#connection[data-state="${state}"]`).waitFor({ timeout: WAIT_MS });
  }

  /** Ticks the clock `n` times, one after another. */
  async function ticks(n: number): Promise<void> {
    for (let i = 0; i < n; i++) await harness.demo.tick();
  }

  it('replays what was missed after the client reconnects: the page equals a fresh render', async () => {
    const { socket, cutOff, other, close } = await setUp();
    await addTodo(other.page, 'before the cut');
    // Cut in the middle of a burst of renders; few enough for the replay log (each tick is about 6 updates).
    const burst = ticks(2);
    await socket.cut();
    await burst;
    await state(cutOff, 'offline');
    await addTodo(other.page, 'during the cut');
    await other.page.click('li.todo:first-child button.toggle');
    const connectionsBefore = socket.connections;

    await socket.restore();
    await state(cutOff, 'live');
    await expectFreshRender(harness, cutOff);
    const afterReconnect = socket.received.filter((r) => r.connection > connectionsBefore).map((r) => r.type);
    expect(afterReconnect[0]).toBe('ready');
    expect(afterReconnect).toContain('updates');
    expect(afterReconnect).not.toContain('resync');
    await close();
  });

  it('resyncs the whole page when more was missed than the replay log keeps', async () => {
    const { socket, cutOff, other, close } = await setUp();
    await socket.cut();
    await state(cutOff, 'offline');
    await addTodo(other.page, 'during a long cut');
    // Every tick is at least one update: far more than the session's replay log holds.
    await ticks(40);
    const connectionsBefore = socket.connections;

    await socket.restore();
    await state(cutOff, 'live');
    await expectFreshRender(harness, cutOff);
    expect(socket.received.filter((r) => r.connection > connectionsBefore).map((r) => r.type)).toContain('resync');
    // And it stays live afterwards.
    await ticks(1);
    await expectFreshRender(harness, cutOff);
    await close();
  });

  it('keeps what was typed during the cut through the resync, and re-sends the rename form', async () => {
    const { socket, cutOff, other, close } = await setUp();
    await socket.cut();
    await state(cutOff, 'offline');
    await cutOff.page.fill('#name', 'Typed offline');
    await cutOff.page.fill('#new-todo', 'a draft, not sent');
    await addTodo(other.page, 'during the typing');
    await ticks(40);

    await socket.restore();
    await state(cutOff, 'live');
    // The rename form recovers by its submit event; the add form (data-st-recover="") only keeps its text.
    await cutOff.page.locator('strong.visitor', { hasText: 'Typed offline' }).waitFor({ timeout: WAIT_MS });
    expect(await cutOff.page.inputValue('#new-todo')).toBe('a draft, not sent');
    expect(await cutOff.page.locator('li.todo', { hasText: 'a draft, not sent' }).count()).toBe(0);
    expect(socket.received.map((r) => r.type)).toContain('resync');
    await close();
  });

  it('reloads into a new session when the server let the page go during the cut', async () => {
    const { socket, cutOff, close } = await setUp();
    await socket.cut();
    await state(cutOff, 'offline');
    // A tick a minute later: past the grace for pages without a connection, so the visitor is forgotten.
    await harness.demo.visitors.tick(Date.now() + 61_000);
    expect(harness.demo.visitors.holds(cutOff.sessionId)).toBe(false);
    await expect(harness.demo.visitors.load(cutOff.sessionId)).resolves.toBeNull();

    await socket.restore();
    // The server answers the reconnect with `gone`; demo.js reloads the page, which gets a new session.
    await cutOff.page.waitForFunction((old) => document.getElementById('app')?.dataset.session !== old, cutOff.sessionId, { timeout: WAIT_MS });
    await state(cutOff, 'live');
    const sessionId = (await cutOff.page.getAttribute('#app', 'data-session'))!;
    await expectFreshRender(harness, { ...cutOff, sessionId });
    await close();
  });
});
