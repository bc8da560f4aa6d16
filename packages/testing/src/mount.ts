import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attach, type AttachOptions, type EventMap } from '@statetemplate/server';
import { openPage, type OpenOptions } from './open-page.js';
import type { LivePage } from './live-page.js';

export interface MountOptions<View = unknown, Events extends EventMap = EventMap> extends AttachOptions<View, Events> {
  /** The data each page opened starts from: a value, or a function called per page. */
  data: View | (() => View);
}

/** A StateTemplate served on 127.0.0.1 for tests: `open()` a page, as many as you like. */
export interface Mounted {
  /** The page's address: each visit starts a new session. */
  readonly url: string;
  open(options?: OpenOptions): Promise<LivePage>;
  /** Closes the pages opened, the transport and the server (not the StateTemplate, which stays yours). */
  close(): Promise<void>;
}

/**
 * Serves `stateTemplate` the way an app would, without one: each GET of `/`
 * starts a session from `data` and sends the page with the client, which
 * connects back over WebSocket to a transport attached with the rest of the
 * options (`onEvent` and the other hooks).
 */
export async function mount<View = unknown, Events extends EventMap = EventMap>({ data, ...options }: MountOptions<View, Events>): Promise<Mounted> {
  const { stateTemplate } = options;
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/') return void response.writeHead(404).end();
    const start = typeof data === 'function' ? (data as () => View)() : data;
    stateTemplate.newSession(start).then(
      (created) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(pageDocument(created)),
      (error: unknown) => response.writeHead(500).end(String(error)),
    );
  });
  const attached = attach(server, options);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const pages = new Set<LivePage>();
  return {
    url,
    async open(openOptions) {
      const page = await openPage(url, openOptions);
      pages.add(page);
      return page;
    },
    async close() {
      await Promise.all([...pages].map((page) => page.close()));
      attached.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The whole document for a new session: its html in `#app`, the client script, and connect(). */
export function pageDocument(created: { html: string; sessionId: string; token: string }, scriptPath = '/statetemplate/client.js', wsPath = '/statetemplate/ws'): string {
  const connect = {
    sessionId: created.sessionId,
    token: created.token,
  };
  return `<!doctype html><html><head><meta charset="utf-8"><title>StateTemplate</title></head><body><div id="app">${created.html}</div>
<script src="${scriptPath}"></script>
<script>StateTemplate.connect({ ...${JSON.stringify(connect).replace(/</g, '\\u003c')}, url: 'ws://' + location.host + ${JSON.stringify(wsPath)}, root: document.getElementById('app') });</script>
</body></html>`;
}
