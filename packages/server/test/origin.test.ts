import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, PROTOCOL_VERSION } from '@statetemplate/protocol';
import { WebSocket } from 'ws';
import { OriginRefusedError } from '../src/index.js';
import { page, Peer, start, within, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

/** What an upgrade with this Origin (and Host) got: 'open', an HTTP status, or the refusal the server sent before closing. */
async function upgrade(url: string, origin: string | undefined, host?: string): Promise<'open' | number | { code: string; close: number }> {
  const ws = new WebSocket(url, { ...(origin === undefined ? {} : { origin }), ...(host === undefined ? {} : { headers: { host } }) });
  ws.on('error', () => undefined);
  const first = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
  const answer = Promise.race([
    once(ws, 'open').then(async () => {
      const closed = once(ws, 'close');
      const message = await Promise.race([first, closed.then(() => null), new Promise<'open'>((resolve) => ws.once('pong', () => resolve('open')))]);
      if (message === 'open') return 'open' as const;
      const [code] = await closed;
      return { code: message === null ? '' : (JSON.parse(message) as { code: string }).code, close: code as number };
    }),
    once(ws, 'unexpected-response').then(([, response]) => (response as { statusCode: number }).statusCode),
  ]);
  ws.once('open', () => ws.ping());
  const result = await within(answer, 'the upgrade answer');
  ws.terminate();
  return result;
}

const REFUSED = { code: 'origin_refused', close: CLOSE.ORIGIN_REFUSED };

describe('origin check on upgrade', () => {
  it("by default accepts exactly the server's own scheme, host and port, and tells the rest why before closing", async () => {
    const errors: unknown[] = [];
    h = await start({ onError: (error) => errors.push(error) });
    const port = new URL(h.origin).port;
    expect(await upgrade(h.wsUrl, h.origin)).toBe('open');
    expect(await upgrade(h.wsUrl, `http://localhost:${port}`, `localhost:${port}`)).toBe('open');
    for (const origin of ['http://evil.example', 'null', `https://127.0.0.1:${port}`, `ws://127.0.0.1:${port}`, `${h.origin}/`, 'http://127.0.0.1']) {
      expect(await upgrade(h.wsUrl, origin), origin).toEqual(REFUSED);
    }
    // A rebound name: the page's Origin and Host agree, but the server listens on loopback.
    expect(await upgrade(h.wsUrl, `http://rebind.example:${port}`, `rebind.example:${port}`)).toEqual(REFUSED);
    expect(errors).toHaveLength(7);
    expect(errors.every((e) => e instanceof OriginRefusedError && e.code === 'origin_refused')).toBe(true);
    expect(String((errors[0] as Error).message)).toContain('http://evil.example');
    expect(h.attached.connections).toBe(0);
  });

  it('accepts exactly the allowed origins when a list is given', async () => {
    h = await start({ allowedOrigins: ['https://app.example'], onError: () => undefined });
    expect(await upgrade(h.wsUrl, 'https://app.example')).toBe('open');
    expect(await upgrade(h.wsUrl, 'https://app.example.evil')).toEqual(REFUSED);
    expect(await upgrade(h.wsUrl, h.origin)).toEqual(REFUSED);
  });

  it('never reads a frame of a refused page', async () => {
    h = await start({ onError: () => undefined });
    const { sessionId, token } = await h.st.newSession(page('a'));
    const ws = new WebSocket(h.wsUrl, { origin: 'http://evil.example' });
    const messages: string[] = [];
    ws.on('message', (data) => messages.push(String(data)));
    await once(ws, 'open');
    ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }));
    const [code] = await within(once(ws, 'close'), 'the close');
    expect(code).toBe(CLOSE.ORIGIN_REFUSED);
    expect(messages.map((m) => (JSON.parse(m) as { type: string }).type)).toEqual(['error']);
  });

  it('lets a client without an Origin header (not a browser) through to authentication', async () => {
    h = await start();
    const { sessionId, token } = await h.st.newSession(page('a'));
    const peer = await Peer.hello(h.wsUrl, sessionId, token);
    await peer.expect('ready');
  });

  it('leaves upgrades of other paths to other listeners', async () => {
    h = await start();
    h.server.on('upgrade', (request, socket) => {
      if (request.url === '/other') socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\n\r\n');
    });
    expect(await upgrade(h.wsUrl.replace('/statetemplate/ws', '/other'), h.origin)).toBe(418);
  });

  it('ends upgrades of other paths when no other listener serves them', async () => {
    h = await start();
    const ws = new WebSocket(h.wsUrl.replace('/statetemplate/ws', '/other'));
    const [error] = await within(once(ws, 'error'), 'the refused upgrade');
    expect(String(error)).toMatch(/socket hang up/);
  });
});
