import { afterEach, describe, expect, it } from 'vitest';
import { decodeUpdates } from '@statetemplate/protocol';
import { livePeer, page, Peer, start, type Harness } from './harness.js';
import { Mirror } from './mirror.js';

let h: Harness;
afterEach(() => h?.close());

describe('reconnecting with last', () => {
  it('replays exactly the updates missed while away, then goes on live', async () => {
    h = await start();
    const { peer, session, sessionId, token, html } = await livePeer(h, page('v0'));
    const mirror = new Mirror(html);
    await session.render(page('v1'));
    mirror.apply(await peer.expect('updates'));
    peer.ws.close();
    await peer.closed;
    const missed = [...(await session.render(page('v2', 4))), ...(await session.render(page('v3', 2)))];

    const back = await Peer.hello(h.wsUrl, sessionId, token, mirror.seq);
    await back.expect('ready');
    const replay = await back.expect('updates');
    expect(decodeUpdates(replay.batch)).toEqual(missed.map(({ seq: _, ...update }) => update));
    mirror.apply(replay);
    expect(await mirror.matches(session)).toBe(true);

    await session.render(page('v4'));
    mirror.apply(await back.expect('updates'));
    expect(await mirror.matches(session)).toBe(true);
  });

  it('sends a resync with the whole page when the replay log no longer covers last', async () => {
    h = await start({}, { replayLog: 1 });
    const { peer, session, sessionId, token, html } = await livePeer(h, page('v0'));
    peer.ws.close();
    for (let i = 1; i <= 3; i++) await session.render(page(`v${i}`, i));
    const mirror = new Mirror(html);
    const back = await Peer.hello(h.wsUrl, sessionId, token, 0);
    await back.expect('ready');
    mirror.apply(await back.expect('resync'));
    expect(await mirror.matches(session)).toBe(true);
  });

  it('sends the whole page for last = -1, and for a last the session never reached', async () => {
    h = await start();
    const { session, sessionId, token } = await livePeer(h, page('v0'));
    await session.render(page('v1'));
    for (const last of [-1, 99]) {
      const peer = await Peer.hello(h.wsUrl, sessionId, token, last);
      await peer.expect('ready');
      const mirror = new Mirror('');
      mirror.apply(await peer.expect('resync'));
      expect(await mirror.matches(session)).toBe(true);
    }
  });

  it('sends the whole page for last = -1 before the session\'s first render too (seq 0)', async () => {
    h = await start();
    const { sessionId, token, session } = await livePeer(h, page('v0'));
    const peer = await Peer.hello(h.wsUrl, sessionId, token, -1);
    await peer.expect('ready');
    const resync = await peer.expect('resync');
    expect(resync.seq).toBe(0);
    const mirror = new Mirror('');
    mirror.apply(resync);
    expect(await mirror.matches(session)).toBe(true);
  });

  it('sends nothing but ready when the page is already current', async () => {
    h = await start();
    const { session, sessionId, token } = await livePeer(h, page('v0'));
    const [last] = (await session.render(page('v1'))).slice(-1);
    const peer = await Peer.hello(h.wsUrl, sessionId, token, last!.seq);
    await peer.expect('ready');
    const live = await session.render(page('v2'));
    expect(live[0]!.seq).toBe(last!.seq + 1);
    expect((await peer.expect('updates')).seq).toBe(live.at(-1)!.seq);
  });
});
