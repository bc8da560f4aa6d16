import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, decodeUpdates, type JsonValue } from '@statetemplate/protocol';
import { livePeer, page, rateClock, start, type Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

describe('bad frames and limits', () => {
  it('closes an oversized frame with 1009 while other sessions go on', async () => {
    h = await start({ maxMessageBytes: 1024 });
    const big = await livePeer(h, page('big'));
    const other = await livePeer(h, page('other'));
    big.peer.send({ type: 'event', name: 'x', payload: 'y'.repeat(2000) });
    expect(await big.peer.closeCode()).toBe(CLOSE.MESSAGE_TOO_BIG);
    await other.session.render(page('other 2'));
    expect(decodeUpdates((await other.peer.expect('updates')).batch).length).toBeGreaterThan(0);
  });

  it('answers malformed JSON and unknown types with an error and keeps the connection', async () => {
    const events: string[] = [];
    h = await start({ onEvent: (_, name) => void events.push(name) });
    const { peer } = await livePeer(h);
    peer.send('{not json');
    expect(await peer.expect('error')).toMatchObject({ code: 'malformed' });
    peer.send({ type: 'event' });
    expect(await peer.expect('error')).toMatchObject({ code: 'malformed' });
    peer.send({ type: 'subscribe', topic: 'x' });
    expect(await peer.expect('error')).toMatchObject({ code: 'unknown_type' });
    peer.send({ type: 'event', name: 'still here' });
    await expect.poll(() => events).toEqual(['still here']);
  });

  it('passes events in order to onEvent with the session and a null payload when none was sent', async () => {
    const seen: [string, string, JsonValue, string][] = [];
    h = await start({ onEvent: (session, name, payload, ctx) => void seen.push([session.id, name, payload, ctx.transport]) });
    const { peer, sessionId } = await livePeer(h);
    peer.send({ type: 'event', name: 'one', payload: { n: 1 } });
    peer.send({ type: 'event', name: 'two' });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen).toEqual([
      [sessionId, 'one', { n: 1 }, 'websocket'],
      [sessionId, 'two', null, 'websocket'],
    ]);
  });

  it('runs one connection events one at a time even when the handler is async', async () => {
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h = await start({
      async onEvent(_, name) {
        log.push(`start ${name}`);
        if (name === 'slow') await gate;
        log.push(`end ${name}`);
      },
    });
    const { peer } = await livePeer(h);
    peer.send({ type: 'event', name: 'slow' });
    peer.send({ type: 'event', name: 'fast' });
    await expect.poll(() => log).toEqual(['start slow']);
    release();
    await expect.poll(() => log).toEqual(['start slow', 'end slow', 'start fast', 'end fast']);
  });

  it('reports a throwing handler as event_failed to the peer and to onError', async () => {
    const errors: unknown[] = [];
    h = await start({
      onEvent: () => {
        throw new Error('handler bug');
      },
      onError: (error) => errors.push(error),
    });
    const { peer } = await livePeer(h);
    peer.send({ type: 'event', name: 'boom' });
    expect(await peer.expect('error')).toMatchObject({ code: 'event_failed' });
    expect(errors).toEqual([new Error('handler bug')]);
  });

  it('drops events over the rate limit with rate_limited, refills at the rate, and closes with 4429 a peer that keeps flooding', async () => {
    const clock = rateClock();
    const events: string[] = [];
    h = await start({ eventsPerSecond: 1, eventBurst: 3, onEvent: (_, name) => void events.push(name) });
    const { peer } = await livePeer(h);
    const refusals = async (n: number) => {
      for (let i = 0; i < n; i++) expect(await peer.expect('error')).toMatchObject({ code: 'rate_limited' });
    };
    // The hello took one token of the burst of 3, and the clock stands still: two pass, three are dropped.
    for (let i = 0; i < 5; i++) peer.send({ type: 'event', name: `e${i}` });
    await refusals(3);
    await expect.poll(() => events).toEqual(['e0', 'e1']);
    // One second gives one token back.
    clock.advance(1000);
    peer.send({ type: 'event', name: 'a second later' });
    peer.send({ type: 'event', name: 'too soon' });
    await refusals(1);
    await expect.poll(() => events).toEqual(['e0', 'e1', 'a second later']);
    // With 'too soon', four refusals in a row: one more than the burst closes the connection.
    for (let i = 0; i < 3; i++) peer.send({ type: 'event', name: 'flood' });
    await refusals(2);
    expect(await peer.closeCode()).toBe(CLOSE.RATE_LIMITED);
    expect(events).toEqual(['e0', 'e1', 'a second later']);
  });
});
