import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { chromium, expectFreshRender, newVisitorContext, openLivePage, useDemo } from './support/harness.js';
import { addTodo } from './support/todos.js';

describe('a network that blocks WebSockets', needs(chromium), () => {
  const harness = useDemo();

  it('goes live over Server-Sent Events by itself, and stays live', async () => {
    const context = await newVisitorContext(harness.browser);
    let refused = 0;
    // Every socket closes at once, as behind a proxy that does not pass WebSockets.
    await context.routeWebSocket(/\/statetemplate\/ws$/, (socket) => {
      refused++;
      void socket.close({ code: 1006, reason: 'blocked by the test' }).catch(() => undefined);
    });
    const live = await openLivePage(harness, context);
    expect(await live.page.evaluate(() => window.demoConnection.transport)).toBe('sse');
    expect(refused).toBe(3);
    await addTodo(live.page, 'sent over SSE');
    await expectFreshRender(harness, live);
    await context.close();
  });
});
