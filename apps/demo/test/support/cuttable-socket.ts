import { parseServerMessage } from '@statetemplate/protocol';
import type { BrowserContext, WebSocketRoute } from 'playwright-core';

export interface CuttableSocket {
  /** Cuts every open live socket of the context, and refuses new ones until `restore`. */
  cut(): Promise<void>;
  restore(): void;
  /** Connections passed to the server so far. */
  readonly connections: number;
  /** Server frames that reached the pages, in order, tagged with the connection they came on. */
  readonly received: { connection: number; type: string }[];
}

/**
 * Routes the context's live WebSockets through the test, which passes frames
 * on both ways until it cuts them: closed on both ends, as a network failure
 * would, while the server keeps rendering. Install before the page loads.
 */
export async function cuttableSocket(context: BrowserContext): Promise<CuttableSocket> {
  let blocked = false;
  let connections = 0;
  const open = new Set<[WebSocketRoute, WebSocketRoute]>();
  const received: { connection: number; type: string }[] = [];
  await context.routeWebSocket(/\/statetemplate\/ws$/, (page) => {
    // A refused reconnect: the page sees its socket close and backs off.
    if (blocked) return void page.close({ code: 4000, reason: 'cut by the test' });
    const connection = ++connections;
    const server = page.connectToServer();
    server.onMessage((frame) => {
      const message = parseServerMessage(String(frame));
      received.push({ connection, type: message instanceof Error ? message.code : message.type });
      page.send(frame);
    });
    open.add([page, server]);
  });
  return {
    received,
    get connections() {
      return connections;
    },
    async cut() {
      blocked = true;
      const routes = [...open];
      open.clear();
      await Promise.all(routes.flatMap(([page, server]) => [server.close(), page.close({ code: 4000, reason: 'cut by the test' })]));
    },
    restore() {
      blocked = false;
    },
  };
}
