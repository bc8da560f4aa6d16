import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';
import { StateTemplate } from '@statetemplate/session';
import { chromiumAvailable, COUNTER_TEMPLATE, counterHandlers, liveCounterTests, needs, requireResource, type LiveApp } from '@statetemplate/test-utils';
import { live, type LiveOptions } from '../src/index.js';

const SIGNING_KEY = 'fastify adapter test signing key, 32+ bytes';
const chromium = requireResource('chromium', chromiumAvailable(), 'install Debian chromium: apt-get install -y chromium');

interface CounterApp extends LiveApp {
  st: StateTemplate;
  fastify: FastifyInstance;
  /** Every request path Fastify's onRequest hook saw. */
  seen: string[];
  /** Fastify's log lines, parsed. */
  logs: Record<string, unknown>[];
}

/** A Fastify app with the plugin and the counter on `/`, listening on 127.0.0.1. */
async function counterApp(options: Partial<LiveOptions> = {}, setup: (fastify: FastifyInstance) => void = () => undefined, level = 'error'): Promise<CounterApp> {
  const st = new StateTemplate(COUNTER_TEMPLATE, { signingKey: SIGNING_KEY });
  const handlers = counterHandlers();
  const logs: Record<string, unknown>[] = [];
  const stream = new Writable({ write: (line: Buffer, _, done) => (logs.push(JSON.parse(line.toString()) as Record<string, unknown>), done()) });
  const fastify = Fastify({ logger: { stream, level } });
  const seen: string[] = [];
  fastify.addHook('onRequest', async (request) => void seen.push(request.url));
  setup(fastify);
  await fastify.register(live, { stateTemplate: st, onEvent: handlers.onEvent, ...options });
  fastify.get<{ Querystring: { transport?: string } }>('/', async (request, reply) =>
    reply.type('text/html').send(handlers.page(await st.newSession({ count: 0 }), request.query.transport)),
  );
  const origin = await fastify.listen({ port: 0, host: '127.0.0.1' });
  return {
    st,
    fastify,
    seen,
    logs,
    origin,
    async close() {
      await fastify.close();
      await st.close();
    },
  };
}

let app: CounterApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const hello = async (app: CounterApp) => {
  const { sessionId, token } = await app.st.newSession({ count: 0 });
  return JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 });
};

describe('the live plugin on Fastify', () => {
  it('routes the client script and the SSE fallback through Fastify, whose hooks see them', async () => {
    app = await counterApp();
    const script = await app.fastify.inject({ method: 'GET', url: '/statetemplate/client.js' });
    expect([script.statusCode, script.headers['content-type']]).toEqual([200, 'text/javascript; charset=utf-8']);
    const response = await fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json', origin: app.origin }, body: await hello(app) });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"type":"ready"');
    await reader.cancel();
    expect(app.seen).toEqual(['/statetemplate/client.js', '/statetemplate/sse']);
  });

  it('lets a hook refuse an SSE request before the transport sees it', async () => {
    app = await counterApp({}, (fastify) =>
      fastify.addHook('preHandler', async (request, reply) => {
        if (request.url === '/statetemplate/sse') await reply.code(401).send('no');
      }),
    );
    const response = await fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await hello(app) });
    expect(response.status).toBe(401);
  });

  it('refuses a body that is not JSON or too big, as attach does', async () => {
    app = await counterApp({ maxMessageBytes: 1024 });
    const post = (type: string, body: string) => fetch(`${app!.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': type, origin: app!.origin }, body });
    expect((await post('text/plain', 'hi')).status).toBe(415);
    expect((await post('application/json', JSON.stringify({ type: 'event', name: 'x'.repeat(2048), cid: 'c' }))).status).toBe(413);
  });

  it('closes every live connection with fastify.close()', async () => {
    app = await counterApp();
    const response = await fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json', origin: app.origin }, body: await hello(app) });
    const reader = response.body!.getReader();
    await reader.read();
    expect(app.fastify.statetemplate.connections).toBe(1);
    const { fastify, st } = app;
    app = undefined;
    await fastify.close();
    expect(fastify.statetemplate.connections).toBe(0);
    await st.close();
  });

  it("reports a failed hook to Fastify's logger", async () => {
    app = await counterApp({
      onConnect: () => {
        throw new Error('boom');
      },
    });
    const response = await fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json', origin: app.origin }, body: await hello(app) });
    const reader = response.body!.getReader();
    await reader.read();
    await expect.poll(() => app!.logs.length).toBe(1);
    expect(app.logs[0]).toMatchObject({ level: 50, err: { message: 'boom' }, transport: 'sse', msg: 'statetemplate: a hook or the session store failed' });
    await reader.cancel();
  });

  it("logs what the transport has to say to Fastify's logger: a refused origin as a warning", async () => {
    app = await counterApp({}, () => undefined, 'warn');
    const response = await fetch(`${app.origin}/statetemplate/sse`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: await hello(app) });
    expect(response.status).toBe(403);
    await response.body?.cancel();
    expect(app.logs.filter((line) => String(line.msg).startsWith('statetemplate:'))).toMatchObject([
      { level: 40, msg: 'statetemplate: origin refused', origin: 'http://evil.example', transport: 'sse' },
    ]);
  });
});

describe('Fastify in Chromium', needs(chromium), () => {
  liveCounterTests(() => counterApp());
});
