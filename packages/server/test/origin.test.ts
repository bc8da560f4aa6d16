import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { page, Peer, start, within, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

/** The HTTP status the upgrade got, or 101 when it was accepted. */
async function upgradeStatus(url: string, origin: string | undefined): Promise<number> {
  const ws = new WebSocket(url, origin === undefined ? {} : { origin });
  ws.on('error', () => undefined);
  const status = Promise.race([
    once(ws, 'open').then(() => 101),
    once(ws, 'unexpected-response').then(([, response]) => (response as { statusCode: number }).statusCode),
  ]);
  const result = await within(status, 'the upgrade answer');
  ws.terminate();
  return result;
}

describe('origin check on upgrade', () => {
  it('by default accepts the server own host and refuses other sites with 403 before upgrading', async () => {
    h = await start();
    expect(await upgradeStatus(h.wsUrl, h.origin)).toBe(101);
    expect(await upgradeStatus(h.wsUrl, 'http://evil.example')).toBe(403);
    expect(await upgradeStatus(h.wsUrl, 'null')).toBe(403);
    expect(h.attached.connections).toBe(0);
  });

  it('accepts exactly the allowed origins when a list is given', async () => {
    h = await start({ allowedOrigins: ['https://app.example'] });
    expect(await upgradeStatus(h.wsUrl, 'https://app.example')).toBe(101);
    expect(await upgradeStatus(h.wsUrl, 'https://app.example.evil')).toBe(403);
    expect(await upgradeStatus(h.wsUrl, h.origin)).toBe(403);
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
    expect(await upgradeStatus(h.wsUrl.replace('/statetemplate/ws', '/other'), h.origin)).toBe(418);
  });

  it('ends upgrades of other paths when no other listener serves them', async () => {
    h = await start();
    const ws = new WebSocket(h.wsUrl.replace('/statetemplate/ws', '/other'));
    const [error] = await within(once(ws, 'error'), 'the refused upgrade');
    expect(String(error)).toMatch(/socket hang up/);
  });
});
