import type { Server } from 'node:http';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';
import { StateTemplate } from '@statetemplate/session';
import { chromiumAvailable, COUNTER_TEMPLATE, counterHandlers, liveApp, liveCounterTests, needs, requireResource, type LiveApp } from '@statetemplate/test-utils';
import { live, type NodeHono } from '../src/index.js';

const SIGNING_KEY = 'hono adapter test signing key, 32+ bytes';
const chromium = requireResource('chromium', chromiumAvailable(), 'install Debian chromium: apt-get install -y chromium');

type Middleware = MiddlewareHandler<{ Bindings: HttpBindings }>;

/** A Hono app on @hono/node-server with the counter on `/`, `before` middleware ahead of the adapter's routes. */
async function counterApp(before: Middleware[] = []): Promise<LiveApp & { st: StateTemplate }> {
  const st = new StateTemplate(COUNTER_TEMPLATE, { signingKey: SIGNING_KEY });
  const handlers = counterHandlers();
  const app: NodeHono = new Hono<{ Bindings: HttpBindings }>();
  for (const middleware of before) app.use(middleware);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  const attached = live(app, server, { stateTemplate: st, onEvent: handlers.onEvent });
  app.get('/', async (c) => c.html(handlers.page(await st.newSession({ count: 0 }), c.req.query('transport'))));
  return { st, ...(await liveApp(server as Server, attached, st)) };
}

let app: (LiveApp & { st: StateTemplate }) | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function openStream(app: LiveApp & { st: StateTemplate }): Promise<Response> {
  const { sessionId, token } = await app.st.newSession({ count: 0 });
  const body = JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 });
  return fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json', origin: app.origin }, body });
}

async function firstBlock(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const text = new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  return text;
}

describe('live(app, server) on Hono', () => {
  it('serves the client script and the SSE fallback as Hono routes, behind the app middleware', async () => {
    const seen: string[] = [];
    app = await counterApp([async (c, next) => (seen.push(c.req.path), next())]);
    const script = await fetch(`${app.origin}/statetemplate/client.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect(await firstBlock(await openStream(app))).toContain('"type":"ready"');
    expect(seen).toEqual(['/statetemplate/client.js', '/statetemplate/sse']);
  });

  it('lets a middleware refuse an SSE request', async () => {
    app = await counterApp([async (c, next) => (c.req.path === '/statetemplate/sse' ? c.text('no', 401) : next())]);
    expect((await openStream(app)).status).toBe(401);
  });

  it('takes the body a middleware before it read', async () => {
    const read: unknown[] = [];
    app = await counterApp([async (c, next) => (c.req.method === 'POST' && read.push(await c.req.json()), next())]);
    expect(await firstBlock(await openStream(app))).toContain('"type":"ready"');
    expect(read).toMatchObject([{ type: 'hello' }]);
  });
});

describe('Hono in Chromium', needs(chromium), () => {
  liveCounterTests(() => counterApp());
});
