import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, it } from 'vitest';
import { launchChromium } from './chromium.js';

/**
 * The page every framework adapter is tried with in a real browser: a
 * counter whose button's click travels to the server, whose render comes
 * back as an update.
 */
export const COUNTER_TEMPLATE = '<p id="count">{{count}} clicks</p><button data-st-click="inc">+1</button>';

interface CounterSession {
  readonly id: string;
  render(data: { count: number }): Promise<unknown>;
}

/** The counter's server side: each session's count, and the event handler every adapter gets. */
export function counterHandlers() {
  const counts = new Map<string, number>();
  return {
    async onEvent(session: CounterSession, name: string): Promise<void> {
      if (name !== 'inc') return;
      const count = (counts.get(session.id) ?? 0) + 1;
      counts.set(session.id, count);
      await session.render({ count });
    },
    /** The whole document for a new session (`st.newSession({ count: 0 })`), connecting over `transport` (`?transport=sse`). */
    page(created: { html: string; sessionId: string; token: string }, transport: string | undefined): string {
      const sse = transport === 'sse';
      return `<!doctype html><title>counter</title><div id="app">${created.html}</div>
<script src="/statetemplate/client.js"></script>
<script>
  window.online = false;
  StateTemplate.connect({
    url: ${sse ? "location.origin + '/statetemplate/sse'" : "'ws://' + location.host + '/statetemplate/ws'"},
    transport: ${JSON.stringify(sse ? 'sse' : 'websocket')},
    sessionId: ${JSON.stringify(created.sessionId)},
    token: ${JSON.stringify(created.token)},
    root: document.getElementById('app'),
    onStatus: (online) => { window.online = online; },
  });
</script>`;
    },
  };
}

/** A framework app serving the counter on `origin`: its `/` route renders `counterHandlers().page`. */
export interface LiveApp {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * The app `server` runs (listening, or told to listen on 127.0.0.1): its
 * origin, and a close that ends the live transport, then the server and its
 * open connections, then the StateTemplate.
 */
export async function liveApp(server: Server, transport: { close(): void }, st: { close(): Promise<void> }): Promise<LiveApp> {
  if (!server.listening) await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      transport.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await st.close();
    },
  };
}

/**
 * The end-to-end tests of an adapter in Chromium, over WebSocket and over
 * SSE: the page loads the client script from the adapter's route, connects,
 * and three clicks come back as updates. Call inside a `describe` that
 * `needs` chromium.
 */
export function liveCounterTests(start: () => Promise<LiveApp>): void {
  for (const transport of ['websocket', 'sse']) {
    it(`serves the client script and keeps the page live over ${transport}`, async () => {
      const app = await start();
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const script = page.waitForResponse((response) => response.url().endsWith('/statetemplate/client.js'));
        await page.goto(`${app.origin}/?transport=${transport}`);
        expect((await script).status()).toBe(200);
        await page.waitForFunction(() => (window as unknown as { online: boolean }).online);
        for (let i = 0; i < 3; i++) await page.click('button');
        await page.waitForFunction(() => document.getElementById('count')?.textContent === '3 clicks');
      } finally {
        await browser.close();
        await app.close();
      }
    });
  }
}
