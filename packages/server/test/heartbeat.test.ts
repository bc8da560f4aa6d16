import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '@statetemplate/session';
import { page, Peer, post, start, within, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('heartbeat', () => {
  it('drops a peer that stops answering pings and keeps one that answers', async () => {
    let dropped!: (id: string) => void;
    const disconnected = new Promise<string>((resolve) => (dropped = resolve));
    h = await start({ heartbeatMs: 40, onDisconnect: (session: Session) => dropped(session.id) });
    const dead = await h.st.newSession(page('dead'));
    const alive = await h.st.newSession(page('alive'));
    const deadPeer = await Peer.hello(h.wsUrl, dead.sessionId, dead.token, 0, { autoPong: false });
    const alivePeer = await Peer.hello(h.wsUrl, alive.sessionId, alive.token);
    await deadPeer.expect('ready');
    await alivePeer.expect('ready');
    expect(await within(disconnected, 'the silent peer to be dropped')).toBe(dead.sessionId);
    // Terminated without a close frame: the peer sees an abnormal closure.
    expect(await deadPeer.closeCode()).toBe(1006);
    expect(h.attached.connections).toBe(1);
    const session = await h.st.getSession(alive.sessionId, alive.token);
    await session.render(page('alive 2'));
    await alivePeer.expect('updates');
  });

  it('writes heartbeat comments on an SSE stream', async () => {
    h = await start({ heartbeatMs: 20 });
    const { sessionId, token } = await h.st.newSession(page('a'));
    const response = await post(`${h.origin}/statetemplate/sse`, { type: 'hello', sid: sessionId, token, last: 0 }, h.origin);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n:\n\n')) {
      const chunk = await within(reader.read(), 'a heartbeat');
      if (chunk.done) throw new Error('the stream ended before a heartbeat');
      text += decoder.decode(chunk.value, { stream: true });
    }
    // Heartbeats may start while the hello is still being checked; the first event is still `ready`.
    expect(text.replace(/^:\n\n/gm, '').startsWith('data: {"type":"ready"')).toBe(true);
    await reader.cancel();
  });
});
