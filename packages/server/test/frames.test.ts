import { afterEach, describe, expect, it } from 'vitest';
import { parseServerMessage, type ServerMessage } from '@statetemplate/protocol';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import { page, Peer, start, type Harness } from './harness.js';
import { Mirror } from './mirror.js';

let h: Harness;
afterEach(() => h?.close());

const MAX_FRAME = 16 * 1024;

/** A live peer whose every frame is kept with its size in bytes. */
async function recordingPeer(title: string) {
  const { sessionId, token, html } = await h.st.newSession(page(title));
  const peer = await Peer.hello(h.wsUrl, sessionId, token);
  const frames: { size: number; message: ServerMessage }[] = [];
  let wake = () => undefined as void;
  peer.ws.on('message', (data: Buffer) => {
    const message = parseServerMessage(data.toString('utf8'));
    if (!(message instanceof Error)) frames.push({ size: data.length, message });
    wake();
  });
  await peer.expect('ready');
  const session = await h.st.getSession(sessionId, token);
  const mirror = new Mirror(html);
  /** Applies frames until the page is at `seq`. */
  const reach = async (seq: number) => {
    let applied = 0;
    while (mirror.seq < seq) {
      while (applied === frames.length) await new Promise<void>((resolve) => (wake = resolve));
      mirror.apply(frames[applied++]!.message);
    }
  };
  return { session, frames, mirror, reach };
}

describe('bounded frames', () => {
  it('never sends a frame over maxFrameBytes, however many quick renders pile up', { timeout: HEAVY_TEST_MS }, async () => {
    h = await start({ maxFrameBytes: MAX_FRAME });
    const { session, frames, mirror, reach } = await recordingPeer('quick');
    // 2,000 renders of a 2 KB title without pausing: the connection finds many waiting at once.
    const renders = Array.from({ length: 2_000 }, (_, i) => session.render({ ...page('quick'), title: `${i} ${'t'.repeat(2_000)}` }));
    const last = (await Promise.all(renders)).flat().at(-1)!.seq;
    await reach(last);
    expect(await mirror.matches(session)).toBe(true);
    expect(Math.max(...frames.map((f) => f.size))).toBeLessThanOrEqual(MAX_FRAME);
  });

  it('resyncs in parts when one update is bigger than a frame, and the page joins them', async () => {
    h = await start({ maxFrameBytes: MAX_FRAME });
    const { session, frames, mirror, reach } = await recordingPeer('big');
    // Non-ASCII and quotes: escaped and encoded, one character may take several bytes of the frame.
    const [update] = await session.render({ ...page('big'), title: `"é€😀 ${'é"'.repeat(40_000)}` });
    await reach(update!.seq);
    expect(await mirror.matches(session)).toBe(true);
    const parts = frames.filter((f) => f.message.type === 'resync');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.slice(0, -1).every((f) => f.message.type === 'resync' && f.message.more === true)).toBe(true);
    expect(Math.max(...frames.map((f) => f.size))).toBeLessThanOrEqual(MAX_FRAME);
  });

  it('refuses a maxFrameBytes under 1 KiB with RangeError', async () => {
    await expect(start({ maxFrameBytes: 100 })).rejects.toBeInstanceOf(RangeError);
  });
});
