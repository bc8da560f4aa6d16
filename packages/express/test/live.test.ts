import { createServer } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';
import { StateTemplate } from '@statetemplate/session';
import { chromiumAvailable, COUNTER_TEMPLATE, counterHandlers, liveApp, liveCounterTests, needs, requireResource, type LiveApp } from '@statetemplate/test-utils';
import { live, type LiveOptions } from '../src/index.js';

const SIGNING_KEY = 'express adapter test signing key, 32+ bytes';
const chromium = requireResource('chromium', chromiumAvailable(), 'install Debian chromium: apt-get install -y chromium');

/** An Express app with the counter on `/`, `before` middleware ahead of the adapter, on 127.0.0.1. */
async function counterApp(before: express.RequestHandler[] = [], options: Partial<LiveOptions> = {}): Promise<LiveApp & { st: StateTemplate }> {
  const st = new StateTemplate(COUNTER_TEMPLATE, { signingKey: SIGNING_KEY });
  const handlers = counterHandlers();
  const app = express();
  for (const middleware of before) app.use(middleware);
  const server = createServer(app);
  const attached = live(app, server, { stateTemplate: st, onEvent: handlers.onEvent, ...options });
  app.get('/', async (request, response) => {
    response.type('html').send(handlers.page(await st.newSession({ count: 0 }), String(request.query.transport)));
  });
  server.listen(0, '127.0.0.1');
  return { st, ...(await liveApp(server, attached, st)) };
}

let app: LiveApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('live(app, server) on Express', () => {
  it('serves the client script through Express, so middleware before it applies', async () => {
    const seen: string[] = [];
    app = await counterApp([(request, _, next) => (seen.push(request.path), next())]);
    const response = await fetch(`${app.origin}/statetemplate/client.js`);
    expect([response.status, response.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await response.text()).length).toBeGreaterThan(1000);
    expect(seen).toEqual(['/statetemplate/client.js']);
  });

  it('lets a middleware before it refuse an SSE request, which never reaches the transport', async () => {
    app = await counterApp([(request, response, next) => (request.path === '/statetemplate/sse' ? response.status(401).end() : next())]);
    const response = await fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(401);
  });

  it('opens an SSE stream from a body express.json() already read', async () => {
    const created = { app: await counterApp([express.json()]) };
    app = created.app;
    const { sessionId, token } = await created.app.st.newSession({ count: 0 });
    const response = await fetch(`${app.origin}/statetemplate/sse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: app.origin },
      body: JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    expect(new TextDecoder().decode(value)).toContain('"type":"ready"');
    await reader.cancel();
  });

  it('leaves other requests to the app', async () => {
    app = await counterApp();
    expect((await fetch(`${app.origin}/nowhere`)).status).toBe(404);
  });

  it('refuses the app where the server belongs, saying what to pass', () => {
    const st = new StateTemplate(COUNTER_TEMPLATE, { signingKey: SIGNING_KEY });
    const expressApp = express();
    expect(() => live(expressApp, expressApp as never, { stateTemplate: st })).toThrow(/needs the http.Server the app listens on/);
  });
});

describe('Express in Chromium', needs(chromium), () => {
  liveCounterTests(() => counterApp());
});
