import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '@statetemplate/protocol';
import { livePeer, page, start, type Harness, type Peer } from './harness.js';
import { Mirror } from './mirror.js';

let h: Harness;
afterEach(() => h?.close());

const RENDERS = 300;
const TITLE_BYTES = 40_000;
const HIGH_WATER = 16 * 1024;

/** Messages until the page reaches `seq`. */
async function drain(peer: Peer, mirror: Mirror, seq: number): Promise<ServerMessage[]> {
  const got: ServerMessage[] = [];
  while (mirror.seq < seq) {
    const message = await peer.next(`updates up to ${seq}`);
    mirror.apply(message);
    got.push(message);
  }
  return got;
}

describe('backpressure', () => {
  it('holds and coalesces updates for a reader that stopped, keeps the server buffer bounded and other sessions live', async () => {
    const sockets = new Map<string, Socket>();
    h = await start(
      { highWaterBytes: HIGH_WATER, heartbeatMs: 60_000, onConnect: (session, ctx) => void sockets.set(session.id, ctx.request.socket) },
      { streamBuffer: 64 * 1024 },
    );
    const slow = await livePeer(h, page('slow'));
    const other = await livePeer(h, page('other'));
    const mirror = new Mirror(slow.html);
    slow.peer.ws.pause();

    let last = 0;
    let mostBuffered = 0;
    for (let i = 0; i < RENDERS; i++) {
      const rendered = await slow.session.render({ ...page('slow'), title: `${i} ${'x'.repeat(TITLE_BYTES)}` });
      last = rendered.at(-1)!.seq;
      // Renders come from events and timers: let the connection send between them.
      await new Promise((resolve) => setImmediate(resolve));
      mostBuffered = Math.max(mostBuffered, sockets.get(slow.sessionId)!.writableLength);
    }
    // Far more than the kernel buffers hold was rendered; the server kept at most about one batch past the mark.
    expect(RENDERS * TITLE_BYTES).toBeGreaterThan(10 * 1024 * 1024);
    expect(mostBuffered).toBeLessThan(HIGH_WATER + 2 * TITLE_BYTES);

    await other.session.render(page('other 2'));
    await other.peer.expect('updates');

    slow.peer.ws.resume();
    const received = await drain(slow.peer, mirror, last);
    expect(received.length).toBeLessThan(RENDERS);
    expect(await mirror.matches(slow.session)).toBe(true);
  });
});
