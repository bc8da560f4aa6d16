import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, PROTOCOL_VERSION } from '@statetemplate/protocol';
import { page, Peer, start, within, type Harness } from './harness.js';
import { openPage } from './jsdom-page.js';

let h: Harness;
afterEach(() => h?.close());

/** The TCP socket under a peer's WebSocket, to count the bytes that really came. */
function socketOf(peer: Peer): { bytesRead: number } {
  return (peer.ws as unknown as { _socket: { bytesRead: number } })._socket;
}

/** A peer offering permessage-deflate, past its hello for a page of `count` items asking for the whole page, and the bytes it read for that. */
async function resyncOver(count: number) {
  const created = await h.st.newSession(page('compressed', count));
  const peer = new Peer(h.wsUrl, { perMessageDeflate: true });
  let negotiated = '';
  peer.ws.once('upgrade', (response) => (negotiated = String(response.headers['sec-websocket-extensions'] ?? '')));
  await within(peer.opened, 'the socket to open');
  peer.send({ type: 'hello', v: PROTOCOL_VERSION, sid: created.sessionId, token: created.token, last: -1 });
  await peer.expect('ready');
  const resync = await peer.expect('resync');
  const session = await h.st.getSession(created.sessionId, created.token);
  return { peer, negotiated, session, frame: peer.frames.at(-1)!, resync, bytesRead: socketOf(peer).bytesRead };
}

describe('permessage-deflate', () => {
  it('is negotiated with bounded windows and compresses a big frame', async () => {
    h = await start();
    const { peer, negotiated, frame, bytesRead } = await resyncOver(500);
    expect(negotiated.split('; ').sort()).toEqual(['client_max_window_bits=11', 'permessage-deflate', 'server_max_window_bits=11', 'server_no_context_takeover']);
    expect(frame.length).toBeGreaterThan(10_000);
    expect(bytesRead).toBeLessThan(frame.length / 4);
    peer.ws.close();
  });

  it('sends frames under the threshold as they are, unless the context is kept', async () => {
    for (const contextTakeover of [false, true]) {
      h = await start({ compression: { contextTakeover } });
      const { peer, negotiated, session, bytesRead } = await resyncOver(3);
      expect(negotiated.includes('server_no_context_takeover')).toBe(!contextTakeover);
      await session.render(page('changed', 3));
      await peer.expect('updates');
      const read = socketOf(peer).bytesRead - bytesRead;
      const length = peer.frames.at(-1)!.length;
      expect(length).toBeLessThan(256);
      // Uncompressed, the frame's text and at least its 2-byte header came; compressed, less than the text.
      if (contextTakeover) expect(read).toBeLessThan(length);
      else expect(read).toBeGreaterThanOrEqual(length + 2);
      peer.ws.close();
      await h.close();
    }
  });

  it('can be turned off, or bounded otherwise', async () => {
    h = await start({ compression: false });
    const { peer, negotiated, frame, bytesRead } = await resyncOver(500);
    expect(negotiated).toBe('');
    expect(bytesRead).toBeGreaterThan(frame.length);
    peer.ws.close();
    await expect(start({ compression: { windowBits: 8 } })).rejects.toBeInstanceOf(RangeError);
    await expect(start({ compression: { memLevel: 10 } })).rejects.toBeInstanceOf(RangeError);
  });

  it('refuses a client frame that inflates past maxMessageBytes (a compression bomb)', async () => {
    h = await start({ maxMessageBytes: 4096 });
    const { peer } = await resyncOver(1);
    // 100 KB of one letter deflates to a few hundred bytes on the wire.
    peer.send({ type: 'event', name: 'x', payload: 'a'.repeat(100_000) });
    expect(await peer.closeCode()).toBe(CLOSE.MESSAGE_TOO_BIG);
  });
});

describe('transport fallback (jsdom against a real server)', () => {
  it('goes on over SSE after the WebSocket failed three times in a row, and stays live', async () => {
    h = await start();
    const b = await openPage(h, page('v0'), {
      // Nothing serves this path: every attempt is refused, as by a proxy that blocks WebSockets.
      url: h.wsUrl.replace('/statetemplate/ws', '/blocked'),
      sseUrl: `${h.origin}/statetemplate/sse`,
      fetch,
    });
    await b.signal.until(() => b.statuses.includes(true), 'online over SSE');
    expect(b.connection.transport).toBe('sse');
    await b.session.render(page('v1'));
    expect(await within(b.settled('a live update over SSE'), 'the update')).toBe(true);
    expect(b.root.querySelector('p')!.textContent).toBe('v1');
  });

  it('stays on the WebSocket when it works', async () => {
    h = await start();
    const b = await openPage(h, page('v0'), { sseUrl: `${h.origin}/statetemplate/sse`, fetch });
    await b.signal.until(() => b.statuses.includes(true), 'online');
    expect(b.connection.transport).toBe('websocket');
  });
});
