import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '@statetemplate/protocol';
import { NO_HELLO_AUTH_MS, page, post, rateClock, start, within, SseReader, type Harness } from './harness.js';
import { Mirror } from './mirror.js';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';

let h: Harness;
afterEach(() => h?.close());

const ssePath = (h: Harness) => `${h.origin}/statetemplate/sse`;

describe('Server-Sent Events fallback', () => {
  it('streams updates after a POSTed hello and takes events as POSTs carrying the connection id', async () => {
    const events: [string, JsonValue, string][] = [];
    h = await start({ onEvent: (_, name, payload, ctx) => void events.push([name, payload, ctx.transport]) });
    const { sessionId, token, html } = await h.st.newSession(page('a'));
    const stream = await SseReader.open(ssePath(h), { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }, h.origin);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { cid } = await stream.expect('ready');
    expect(cid).toMatch(/^[\w-]{24}$/);

    const session = await h.st.getSession(sessionId, token);
    await session.render(page('b'));
    const mirror = new Mirror(html);
    mirror.apply(await stream.expect('updates'));
    expect(await mirror.matches(session)).toBe(true);

    const accepted = await post(ssePath(h), { type: 'event', name: 'add', payload: { text: 'x' }, cid }, h.origin);
    expect(accepted.status).toBe(202);
    await expect.poll(() => events).toEqual([['add', { text: 'x' }, 'sse']]);
    await stream.cancel();
    await expect.poll(() => h.attached.connections).toBe(0);
  });

  it('replays missed updates to a new stream that says where the page is', async () => {
    h = await start();
    const { sessionId, token, html } = await h.st.newSession(page('v0'));
    const session = await h.st.getSession(sessionId, token);
    await session.render(page('v1', 5));
    await session.render(page('v2', 1));
    const stream = await SseReader.open(ssePath(h), { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }, h.origin);
    await stream.expect('ready');
    const mirror = new Mirror(html);
    mirror.apply(await stream.expect('updates'));
    expect(await mirror.matches(session)).toBe(true);
  });

  it('reports a refused session on the stream with gone, then ends it', async () => {
    h = await start();
    const { sessionId } = await h.st.newSession(page('a'));
    const stream = await SseReader.open(ssePath(h), { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token: 'forged', last: 0 }, h.origin);
    expect(await stream.expect('gone')).toEqual({ type: 'gone', reason: 'invalid_token' });
    await stream.ended();
  });

  it('delivers refusals of events (rate limit) on the stream as error messages', async () => {
    rateClock();
    h = await start({ eventsPerSecond: 1, eventBurst: 1, onEvent: () => undefined });
    const { sessionId, token } = await h.st.newSession(page('a'));
    const stream = await SseReader.open(ssePath(h), { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }, h.origin);
    const { cid } = await stream.expect('ready');
    // The hello took the only token, and the stopped clock gives none back.
    expect((await post(ssePath(h), { type: 'event', name: 'x', cid }, h.origin)).status).toBe(202);
    expect(await stream.expect('error')).toMatchObject({ code: 'rate_limited' });
  });

  it('refuses with HTTP statuses what cannot open a stream or reach one', async () => {
    const errors: unknown[] = [];
    h = await start({ maxMessageBytes: 256, onError: (error) => errors.push(error) });
    const url = ssePath(h);
    const { sessionId, token } = await h.st.newSession(page('a'));
    const hello = { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 };
    expect((await fetch(url)).status).toBe(405);
    const refused = await post(url, hello, 'http://evil.example');
    expect(refused.status).toBe(403);
    // The body says why, as an event the client reads; the refusal is reported too.
    expect(await refused.text()).toMatch(/^data: \{"type":"error","code":"origin_refused","message":"origin http:\/\/evil.example /);
    expect(errors).toMatchObject([{ name: 'OriginRefusedError', code: 'origin_refused' }]);
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded', 'application/jsonx']) {
      const response = await fetch(url, { method: 'POST', headers: { origin: h.origin, ...(type && { 'content-type': type }) }, body: JSON.stringify(hello) });
      expect(response.status, type).toBe(415);
    }
    expect((await post(url, '{"type":"hello"', h.origin)).status).toBe(400);
    expect((await post(url, { type: 'nope' }, h.origin)).status).toBe(400);
    expect((await post(url, { type: 'event', name: 'x', payload: 'y'.repeat(300) }, h.origin)).status).toBe(413);
    expect((await post(url, { type: 'event', name: 'x', cid: 'no-such-stream' }, h.origin)).status).toBe(404);
    expect((await post(url, { type: 'event', name: 'x' }, h.origin)).status).toBe(404);
    expect(h.attached.connections).toBe(0);
  });

  it('leaves other paths to the application request handler', async () => {
    h = await start();
    const response = await fetch(`${h.origin}/page`);
    expect([response.status, await response.text()]).toEqual([404, 'app']);
  });

  it('answers 408 to a body that does not arrive in time', async () => {
    // The body never ends: the 408 is the only possible answer, however slow the machine.
    h = await start({ authTimeoutMs: NO_HELLO_AUTH_MS });
    const status = new Promise<number>((resolve, reject) => {
      const req = request(ssePath(h), { method: 'POST', headers: { 'content-length': '100', 'content-type': 'application/json', origin: h.origin } }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.write('{"type":');
    });
    expect(await within(status, 'the 408')).toBe(408);
  });
});
