import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '@statetemplate/protocol';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import { page, Peer, SseReader, start, type Harness } from './harness.js';
import { Mirror } from './mirror.js';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';

let h: Harness;
afterEach(() => h?.close());

const RENDERS = 300;
const TITLE_BYTES = 40_000;
const HIGH_WATER = 16 * 1024;

/** A peer past its hello that can stop reading. */
interface Reader {
  next(what: string): Promise<ServerMessage>;
  pause(): void;
  resume(): void;
}

const transports: Record<string, (sid: string, token: string) => Promise<Reader>> = {
  async websocket(sid, token) {
    const peer = await Peer.hello(h.wsUrl, sid, token);
    await peer.expect('ready');
    return { next: (what) => peer.next(what), pause: () => peer.ws.pause(), resume: () => peer.ws.resume() };
  },
  async sse(sid, token) {
    const stream = await SseReader.open(`${h.origin}/statetemplate/sse`, { type: 'hello', v: PROTOCOL_VERSION, sid, token, last: 0 }, h.origin);
    await stream.expect('ready');
    // Not reading is what stops an SSE reader: fetch then stops taking bytes off the socket.
    return { next: (what) => stream.next(what), pause: () => undefined, resume: () => undefined };
  },
};

describe.each(Object.keys(transports))('backpressure over %s', (transport) => {
  it('holds and coalesces updates for a reader that stopped, keeps the server buffer bounded and other sessions live', { timeout: HEAVY_TEST_MS }, async () => {
    const sockets = new Map<string, Socket>();
    h = await start(
      // The harness's heartbeats never fire by themselves, so the stopped reader is never dropped for missing one.
      { highWaterBytes: HIGH_WATER, onConnect: (session, ctx) => void sockets.set(session.id, ctx.request.socket) },
      { streamBuffer: 64 * 1024 },
    );
    const open = async (title: string) => {
      const { sessionId, token, html } = await h.st.newSession(page(title));
      const reader = await transports[transport]!(sessionId, token);
      return { reader, html, sessionId, session: await h.st.getSession(sessionId, token) };
    };
    const slow = await open('slow');
    const other = await open('other');
    const mirror = new Mirror(slow.html);
    slow.reader.pause();

    let last = 0;
    let mostBuffered = 0;
    for (let i = 0; i < RENDERS; i++) {
      const rendered = await slow.session.render({ ...page('slow'), title: `${i} ${'x'.repeat(TITLE_BYTES)}` });
      last = rendered.at(-1)!.seq;
      mostBuffered = Math.max(mostBuffered, sockets.get(slow.sessionId)!.writableLength);
      // Renders come from events and timers: let the connection send between them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Far more than the kernel buffers hold was rendered; the server kept at most about one batch past the mark.
    expect(RENDERS * TITLE_BYTES).toBeGreaterThan(10 * 1024 * 1024);
    expect(mostBuffered).toBeLessThan(HIGH_WATER + 2 * TITLE_BYTES);

    await other.session.render(page('other 2'));
    expect((await other.reader.next('the other session update')).type).toBe('updates');

    slow.reader.resume();
    let received = 0;
    while (mirror.seq < last) {
      mirror.apply(await slow.reader.next(`updates up to ${last}`));
      received++;
    }
    expect(received).toBeLessThan(RENDERS);
    expect(await mirror.matches(slow.session)).toBe(true);
  });
});
