import { once } from 'node:events';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { JSDOM } from 'jsdom';
import { connect } from '@statetemplate/client';
import type { Session } from '@statetemplate/session';
import { HEARTBEAT_MS, page, Peer, SseReader, start, within, type Harness } from './harness.js';
import { Mirror } from './mirror.js';
import { PROTOCOL_VERSION } from '@statetemplate/protocol';

let h: Harness;
afterEach(() => h?.close());

/**
 * Fakes setInterval alone, so heartbeats fire only when the test says, and
 * returns what fires one. Sockets and hang guards keep real time (ws and
 * node:http use no setInterval); the session's cleanup interval is faked too
 * and finds nothing to clean. Call before start(), so the heartbeat is fake.
 */
function driveHeartbeats(): () => void {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  onTestFinished(() => void vi.useRealTimers());
  return () => void vi.advanceTimersByTime(HEARTBEAT_MS);
}

const ping = (peer: Peer) => once(peer.ws, 'ping');

describe('heartbeat', () => {
  it('drops a peer that stops answering pings and keeps one that answers', async () => {
    const beat = driveHeartbeats();
    let dropped!: (id: string) => void;
    const disconnected = new Promise<string>((resolve) => (dropped = resolve));
    let heard!: () => void;
    const eventHeard = new Promise<void>((resolve) => (heard = resolve));
    h = await start({ onDisconnect: (session: Session) => dropped(session.id), onEvent: () => heard() });
    const dead = await h.st.newSession(page('dead'));
    const alive = await h.st.newSession(page('alive'));
    const deadPeer = await Peer.hello(h.wsUrl, dead.sessionId, dead.token, 0, { autoPong: false });
    const alivePeer = await Peer.hello(h.wsUrl, alive.sessionId, alive.token);
    await deadPeer.expect('ready');
    await alivePeer.expect('ready');

    const firstPings = Promise.all([ping(deadPeer), ping(alivePeer)]);
    beat();
    await within(firstPings, 'the first pings');
    // Each heartbeat also tells a live peer the sequence number sent so far.
    expect(await alivePeer.expect('beat')).toEqual({ type: 'beat', seq: 0 });
    // ws queues its pong before it emits the ping, and the server handles frames in order:
    // once this event reaches onEvent, the server has the pong.
    alivePeer.send({ type: 'event', name: 'after the pong' });
    await within(eventHeard, 'the event sent after the pong');

    const secondPing = ping(alivePeer);
    beat();
    expect(await within(disconnected, 'the silent peer to be dropped')).toBe(dead.sessionId);
    // Terminated without a close frame: the peer sees an abnormal closure.
    expect(await deadPeer.closeCode()).toBe(1006);
    expect(h.attached.connections).toBe(1);
    await within(secondPing, 'the second ping');
    expect(await alivePeer.expect('beat')).toEqual({ type: 'beat', seq: 0 });
    const session = await h.st.getSession(alive.sessionId, alive.token);
    await session.render(page('alive 2'));
    await alivePeer.expect('updates');
  });

  it('writes heartbeat comments on an SSE stream', async () => {
    const beat = driveHeartbeats();
    h = await start();
    const { sessionId, token } = await h.st.newSession(page('a'));
    const stream = await SseReader.open(`${h.origin}/statetemplate/sse`, { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 }, h.origin);
    expect((await stream.block('the ready message')).startsWith('data: {"type":"ready"')).toBe(true);
    beat();
    expect(await stream.block('a heartbeat')).toBe(':');
    await stream.cancel();
  });

  it('a page that lost an update notices at the next beat and resyncs', async () => {
    const beat = driveHeartbeats();
    h = await start();
    const { html, sessionId, token } = await h.st.newSession(page('v0'));
    const { window } = new JSDOM(`<!doctype html><body><div id="app">${html}</div></body>`, { url: `${h.origin}/` });
    // Loses the first updates frame on the way, as a broken proxy might.
    let lost = false;
    class Lossy extends window.WebSocket {
      override set onmessage(handler: ((event: MessageEvent) => void) | null) {
        super.onmessage = handler && ((event: MessageEvent) => {
          if (!lost && String(event.data).startsWith('[')) return void ((lost = true), wake());
          handler(event);
        });
      }
    }
    const root = window.document.getElementById('app')!;
    const errors: string[] = [];
    let wake = () => undefined as void;
    let online = false;
    const live = connect({
      url: h.wsUrl,
      sessionId,
      token,
      root,
      WebSocket: Lossy as unknown as typeof WebSocket,
      minDelay: 5,
      maxDelay: 20,
      onMessage: () => wake(),
      onStatus: (up) => ((online = up), wake()),
      onError: ({ code }) => (errors.push(code), wake()),
    });
    onTestFinished(() => live.close());
    const until = (check: () => boolean, what: string) =>
      within((async () => { while (!check()) await new Promise<void>((resolve) => (wake = resolve)); })(), what);
    await until(() => online, 'online');
    const session = await h.st.getSession(sessionId, token);
    const [update] = await session.render(page('v1'));
    await until(() => lost, 'the lost frame');
    // The page never saw it; the beat says the connection sent it.
    beat();
    await until(() => live.seq >= update!.seq, 'the resync');
    expect(errors).toEqual(['behind']);
    expect(await new Mirror(root.innerHTML, live.seq).matches(session)).toBe(true);
  });
});
