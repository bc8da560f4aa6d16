import { once } from 'node:events';
import { connect as connectTcp } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, decodeUpdates, stringifyServerMessage, PROTOCOL_VERSION } from '@statetemplate/protocol';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { livePeer, NO_HELLO_AUTH_MS, page, Peer, start, within, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('authentication', () => {
  it('answers a valid hello with ready, then sends the updates of each render', async () => {
    h = await start();
    const { peer, session } = await livePeer(h, page('a'));
    const rendered = await session.render(page('b'));
    const message = await peer.expect('updates');
    expect(message.seq).toBe(rendered.at(-1)!.seq);
    expect(decodeUpdates(message.batch)).toEqual(rendered.map(({ seq: _, ...update }) => update));
  });

  it('sends updates as compact frames: a one-item change stays well under 150 B', async () => {
    h = await start();
    const { peer, session } = await livePeer(h, page('a'));
    const data = page('a');
    data.items[1]!.text = 'a changed item';
    const [update] = await session.render(data);
    const message = await peer.expect('updates');
    const frame = peer.frames.at(-1)!;
    expect(frame).toBe(stringifyServerMessage(message));
    expect(frame).toBe(JSON.stringify([update!.seq, update!.timestamp, [update!.fragment_id, '<li>a changed item</li>']]));
    expect(Buffer.byteLength(frame)).toBeLessThan(70);
  });

  it('refuses a wrong token with gone(invalid_token) and close 4401', async () => {
    h = await start();
    const a = await h.st.newSession(page('a'));
    const b = await h.st.newSession(page('b'));
    const peer = await Peer.hello(h.wsUrl, a.sessionId, b.token);
    expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'invalid_token' });
    expect(await peer.closeCode()).toBe(CLOSE.INVALID_TOKEN);
  });

  it('refuses a client older than its protocol (a hello without v, or an older v) with gone(outdated) and close 4409', async () => {
    h = await start();
    const { sessionId, token } = await h.st.newSession(page('a'));
    for (const v of [undefined, PROTOCOL_VERSION - 1]) {
      const peer = new Peer(h.wsUrl);
      await within(peer.opened, 'open');
      peer.send({ type: 'hello', sid: sessionId, token, last: 0, ...(v === undefined ? {} : { v }) });
      expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'outdated' });
      expect(await peer.closeCode()).toBe(CLOSE.PROTOCOL_VIOLATION);
    }
  });

  it('refuses a session that no longer exists with gone(not_found) and close 4410', async () => {
    h = await start();
    const { sessionId, token } = await h.st.newSession(page('a'));
    await (await h.st.getSession(sessionId, token)).invalidate();
    const peer = await Peer.hello(h.wsUrl, sessionId, token);
    expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'not_found' });
    expect(await peer.closeCode()).toBe(CLOSE.SESSION_GONE);
  });

  it('tells a page past the replay log whose state digested its list, without a load option, gone(reload) with close 4410', async () => {
    h = await start({}, { digestListsAbove: 1, replayLog: 1 });
    const { sessionId, token } = await h.st.newSession(page('a'));
    const session = await h.st.getSession(sessionId, token);
    for (const title of ['b', 'c']) await session.render(page(title));
    const peer = await Peer.hello(h.wsUrl, sessionId, token, 0);
    // The session is there: the page is taken in, and then told it cannot be brought up to date.
    await peer.expect('ready');
    expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'reload' });
    expect(await peer.closeCode()).toBe(CLOSE.SESSION_GONE);
  });

  it('tells a live peer its session was invalidated, with close 4410', async () => {
    h = await start();
    const { peer, session } = await livePeer(h);
    await session.invalidate();
    expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'closed' });
    expect(await peer.closeCode()).toBe(CLOSE.SESSION_GONE);
  });

  it('tells a live peer whose session record was lost (not invalidated) not_found, with close 4410', async () => {
    const store = new MemorySessionStore();
    h = await start({}, { store });
    const { peer, sessionId } = await livePeer(h);
    // The store lost the record (a Redis flush, say): no end message; cleanup finds the session gone.
    await store.delete(sessionId);
    await h.st.cleanup();
    expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'not_found' });
    expect(await peer.closeCode()).toBe(CLOSE.SESSION_GONE);
    await store.close();
  });

  it('closes with 4409 when an event comes before the hello', async () => {
    h = await start();
    const peer = new Peer(h.wsUrl);
    await within(peer.opened, 'open');
    peer.send({ type: 'event', name: 'x' });
    expect(await peer.closeCode()).toBe(CLOSE.PROTOCOL_VIOLATION);
  });

  it('closes with 4409 on a second hello', async () => {
    h = await start();
    const { peer, sessionId, token } = await livePeer(h);
    peer.send({ type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 });
    expect(await peer.closeCode()).toBe(CLOSE.PROTOCOL_VIOLATION);
  });

  it('closes with 4400 when the first frame is not a message', async () => {
    h = await start();
    const peer = new Peer(h.wsUrl);
    await within(peer.opened, 'open');
    peer.send('{"sid":');
    expect(await peer.closeCode()).toBe(CLOSE.MALFORMED_FRAME);
  });

  it('closes with 4408 when no hello comes in time', async () => {
    // The peer never says hello: 4408 is the only possible end, however slow the machine.
    h = await start({ authTimeoutMs: NO_HELLO_AUTH_MS });
    const peer = new Peer(h.wsUrl);
    expect(await peer.closeCode()).toBe(CLOSE.AUTH_TIMEOUT);
    expect(h.attached.connections).toBe(0);
  });

  it('ends a connection whose upgrade request never completes its headers, after authTimeoutMs', async () => {
    // The headers never end: the server ending the socket is the only possible outcome, however slow the
    // machine, and it comes long before Node's own 60 s headersTimeout (this test's guard is shorter).
    h = await start({ authTimeoutMs: NO_HELLO_AUTH_MS });
    const { port } = new URL(h.origin);
    const socket = connectTcp(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /statetemplate/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    await within(once(socket, 'close'), 'the server ending the socket');
    // An ordinary request still gets through.
    expect((await fetch(`${h.origin}/page`)).status).toBe(404);
  });

  it('closes with 1003 on a binary frame', async () => {
    h = await start();
    const { peer } = await livePeer(h);
    peer.ws.send(Buffer.from('{"type":"event","name":"x"}'), { binary: true });
    expect(await peer.closeCode()).toBe(CLOSE.UNSUPPORTED_DATA);
  });

  it('checks the token against the client binding clientOf derives from the request', async () => {
    h = await start({ clientOf: (request) => request.headers['user-agent'] });
    const { sessionId, token } = await h.st.newSession(page('a'), { client: 'browser A' });
    const same = await Peer.hello(h.wsUrl, sessionId, token, 0, { headers: { 'user-agent': 'browser A' } });
    await same.expect('ready');
    const other = await Peer.hello(h.wsUrl, sessionId, token, 0, { headers: { 'user-agent': 'browser B' } });
    expect(await other.expect('gone')).toEqual({ type: 'gone', reason: 'invalid_token' });
  });

  it('closes with 1011 and reports the error when authentication fails for a reason that is not a refusal', async () => {
    const errors: unknown[] = [];
    const clientOf = () => {
      throw new Error('store down');
    };
    h = await start({ onError: (error) => errors.push(error), clientOf });
    const { sessionId, token } = await h.st.newSession(page('a'));
    const peer = await Peer.hello(h.wsUrl, sessionId, token);
    expect(await peer.closeCode()).toBe(CLOSE.INTERNAL_ERROR);
    expect(errors).toEqual([new Error('store down')]);
  });
});
