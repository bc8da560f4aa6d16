import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLOSE, PROTOCOL_VERSION } from '@statetemplate/protocol';
import { InvalidTokenError, StoreError } from '@statetemplate/session';
import { RedisSessionStore } from '@statetemplate/store-redis';
import { needs, recordingLogger, redisAvailable, requireResource, startRedisServer, type RedisServer } from '@statetemplate/test-utils';
import { WebSocket } from 'ws';
import { OriginRefusedError } from '../src/index.js';
import { livePeer, page, Peer, post, SseReader, start, within, type Harness } from './harness.js';

const redisServer = requireResource('redis-server', redisAvailable(), 'no redis-server binary on PATH');

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Opens a WebSocket with `origin` and resolves once the server closed it. */
async function refusedUpgrade(url: string, origin: string): Promise<number> {
  const ws = new WebSocket(url, { origin });
  ws.on('error', () => undefined);
  return within(new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))), 'the refusal');
}

describe('the logger option of attach', () => {
  it('hears a refused origin on either transport, and onError still does', async () => {
    const logger = recordingLogger();
    const errors: unknown[] = [];
    h = await start({ logger, onError: (error) => errors.push(error) });
    expect(await refusedUpgrade(h.wsUrl, 'http://evil.example')).toBe(CLOSE.ORIGIN_REFUSED);
    expect((await post(`${h.origin}/statetemplate/sse`, { type: 'hello' }, 'http://other.example')).status).toBe(403);
    const refused = logger.said('statetemplate: origin refused');
    expect(refused.map((line) => [line.level, line.fields.transport, line.fields.origin])).toEqual([
      ['warn', 'websocket', 'http://evil.example'],
      ['warn', 'sse', 'http://other.example'],
    ]);
    expect(refused[0]!.fields).toMatchObject({ remote: '127.0.0.1', err: expect.any(OriginRefusedError) });
    expect(errors).toHaveLength(2);
  });

  it("defaults to the StateTemplate's logger, which then replaces the process warning", async () => {
    const logger = recordingLogger();
    const warnings = vi.spyOn(process, 'emitWarning');
    h = await start({}, { logger });
    expect(await refusedUpgrade(h.wsUrl, 'http://evil.example')).toBe(CLOSE.ORIGIN_REFUSED);
    expect((await logger.heard('statetemplate: origin refused')).fields.origin).toBe('http://evil.example');
    expect(warnings).not.toHaveBeenCalled();
    warnings.mockRestore();
  });

  it('hears a refused token as a warning, with its session id and the reason', async () => {
    const logger = recordingLogger();
    h = await start({ logger });
    const a = await h.st.newSession(page('a'));
    const b = await h.st.newSession(page('b'));
    const peer = await Peer.hello(h.wsUrl, a.sessionId, b.token);
    expect(await peer.expect('gone')).toEqual({ type: 'gone', reason: 'invalid_token' });
    const line = await logger.heard('statetemplate: token refused');
    expect(line).toMatchObject({ level: 'warn', fields: { transport: 'websocket', sessionId: a.sessionId, reason: 'invalid_token', err: expect.any(InvalidTokenError) } });
  });

  it('hears an expired token as a session gone, over SSE too', async () => {
    const logger = recordingLogger();
    let now = Date.UTC(2030, 0, 1);
    h = await start({ logger }, { now: () => now, maxAge: 60_000 });
    const { sessionId, token } = await h.st.newSession(page('a'));
    now += 120_000;
    const reader = await SseReader.open(`${h.origin}/statetemplate/sse`, { type: 'hello', v: PROTOCOL_VERSION, sid: sessionId, token, last: 0 });
    expect(await reader.expect('gone')).toEqual({ type: 'gone', reason: 'expired' });
    expect(await logger.heard('statetemplate: session gone')).toEqual({
      level: 'info',
      fields: expect.objectContaining({ transport: 'sse', sessionId, reason: 'expired' }),
      message: 'statetemplate: session gone',
    });
    expect(logger.said('statetemplate: token refused')).toEqual([]);
  });

  it('hears a page resynced because an update did not fit in a frame', async () => {
    const logger = recordingLogger();
    h = await start({ logger, maxFrameBytes: 1024 });
    const { peer, session } = await livePeer(h, page('a'));
    await session.render({ ...page('a'), title: 't'.repeat(2_000) });
    await peer.expect('resync');
    expect((await logger.heard('statetemplate: page resynced')).fields).toMatchObject({ sessionId: session.id, reason: 'frame_too_big' });
    expect(h.attached.metrics().resyncsSent).toBe(1);
  });

  it('says connections open and close at debug level, when the logger has it', async () => {
    const logger = recordingLogger();
    h = await start({ logger });
    const { peer, session } = await livePeer(h, page('a'));
    expect((await logger.heard('statetemplate: connection live')).fields).toMatchObject({ sessionId: session.id, transport: 'websocket' });
    peer.ws.close();
    expect((await logger.heard('statetemplate: connection closed')).level).toBe('debug');
  });

  it('refuses a logger that is not one', async () => {
    await expect(start({ logger: { info() {} } as never })).rejects.toThrow(/logger\.warn must be a function/);
  });
});

describe('attached.metrics()', () => {
  it("counts connections, the messages and bytes sent, and merges the StateTemplate's renders and updates", async () => {
    // Its debug line says when the server let go of the connection.
    const logger = recordingLogger();
    h = await start({ logger });
    expect(h.attached.metrics()).toMatchObject({ connections: 0, live: 0, bytesSent: 0, framesSent: 0, renders: { total: 0 } });
    const { peer, session } = await livePeer(h, page('a'));
    let updates = 0;
    for (let i = 1; i <= 3; i++) {
      const rendered = await session.render(page(`a${i}`));
      updates += rendered.length;
      const message = await peer.expect('updates');
      expect(message.seq).toBe(rendered.at(-1)!.seq);
    }
    const metrics = h.attached.metrics();
    // What the peer received is what was sent: `ready`, then the three batches.
    expect(peer.frames).toHaveLength(4);
    expect(metrics).toMatchObject({
      connections: 1,
      live: 1,
      sessions: 1,
      streams: 1,
      framesSent: 4,
      bytesSent: peer.frames.reduce((sum, frame) => sum + Buffer.byteLength(frame), 0),
      renders: { total: 3 },
      updates: { total: updates },
      resyncs: 0,
      resyncsSent: 0,
      buffered: 0,
      congested: 0,
    });
    peer.ws.close();
    await logger.heard('statetemplate: connection closed');
    expect(h.attached.metrics()).toMatchObject({ connections: 0, live: 0, sessions: 0, streams: 0 });
  });

  it('counts a page that asked for the whole page as a resync, in the session and on the wire', async () => {
    h = await start();
    const { sessionId, token } = await h.st.newSession(page('a'));
    const peer = await Peer.hello(h.wsUrl, sessionId, token, -1);
    await peer.expect('ready');
    await peer.expect('resync');
    expect(h.attached.metrics()).toMatchObject({ resyncs: 1, resyncsSent: 1 });
  });
});

describe('a store that fails, with real Redis', needs(redisServer), () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(() => redis?.stop());

  it('is logged by the transport, for the connection it failed, and by the session, once, for the store', async () => {
    const logger = recordingLogger();
    const store = new RedisSessionStore({ url: redis.url, onError: () => undefined });
    h = await start({}, { store, logger });
    const { sessionId, token } = await h.st.newSession(page('a'));
    await redis.stop();
    const peer = await Peer.hello(h.wsUrl, sessionId, token);
    expect(await peer.closeCode()).toBe(CLOSE.INTERNAL_ERROR);
    const failed = await logger.heard('statetemplate: a hook or the session store failed');
    expect(failed).toMatchObject({ level: 'error', fields: { transport: 'websocket', err: expect.any(StoreError) } });
    const failing = await logger.heard('statetemplate: the session store is failing');
    expect(failing.fields).toMatchObject({ operation: 'get', code: 'unavailable' });
    expect(h.attached.metrics().store).toMatchObject({ failing: true });
    expect(h.attached.metrics().store.errors).toBeGreaterThan(0);
    await h.close();
    h = undefined;
    await store.close();
    await redis.start();
  });
});
