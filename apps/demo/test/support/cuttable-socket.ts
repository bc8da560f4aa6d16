import { parseServerMessage } from '@statetemplate/protocol';
import type { BrowserContext, WebSocketRoute } from 'playwright-core';

export interface CuttableSocket {
  /** Cuts every open live socket of the context, and holds new ones until `restore`. */
  cut(): Promise<void>;
  /** Holds new live sockets until `restore`, leaving the open ones alone (say, for a server about to stop). */
  hold(): void;
  /** Ends the held sockets and passes new ones on again: the page is back one short backoff later. */
  restore(): Promise<void>;
  /** Connections passed to the server so far. */
  readonly connections: number;
  /** Server frames that reached the pages, in order, tagged with the connection they came on. */
  readonly received: { connection: number; type: string }[];
}

const CUT = { code: 4000, reason: 'cut by the test' };

/**
 * Routes the context's live WebSockets through the test, which passes frames
 * on both ways until it cuts them: closed on both ends, as a network failure
 * would, while the server keeps rendering. Install before the page loads.
 * `cutOn` cuts the sockets at the first server frame it holds true for (that frame is not passed on).
 *
 * A reconnect while cut is held: open to the page but connected to nothing,
 * so the page hears no `ready` and stays offline. Refusing it instead would
 * have the page back off longer with every refusal, so the wait after
 * `restore` would grow with how long the cut lasted; a held attempt is one
 * attempt, however long.
 */
export async function cuttableSocket(context: BrowserContext, cutOn?: (type: string, frame: string) => boolean): Promise<CuttableSocket> {
  let holding = false;
  let connections = 0;
  const open = new Set<[WebSocketRoute, WebSocketRoute]>();
  const held = new Set<WebSocketRoute>();
  const received: { connection: number; type: string }[] = [];
  let socket: CuttableSocket;
  await context.routeWebSocket(/\/statetemplate\/ws$/, (page) => {
    if (holding) return void held.add(page);
    const connection = ++connections;
    const server = page.connectToServer();
    server.onMessage((frame) => {
      const message = parseServerMessage(String(frame));
      const type = message instanceof Error ? message.code : message.type;
      // Cut instead of passing the frame on: the page never sees it.
      if (cutOn?.(type, String(frame))) return void socket.cut();
      received.push({ connection, type });
      page.send(frame);
    });
    open.add([page, server]);
  });
  socket = {
    received,
    get connections() {
      return connections;
    },
    async cut() {
      holding = true;
      const routes = [...open];
      open.clear();
      await Promise.all(routes.flatMap(([page, server]) => [server.close(), page.close(CUT)]));
    },
    hold() {
      holding = true;
    },
    async restore() {
      holding = false;
      const pages = [...held];
      held.clear();
      await Promise.all(pages.map((page) => page.close(CUT)));
    },
  };
  return socket;
}
