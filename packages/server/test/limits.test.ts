import { afterEach, describe, expect, it } from 'vitest';
import { CLOSE, decodeUpdates, type JsonValue } from '@statetemplate/protocol';
import { livePeer, page, rateClock, start, within, type Harness } from './harness.js';

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
    // Refusals have a budget of the burst (3), one more a second: the three drops and 'too soon' used it up,
    // so the next refused frame closes the connection.
    for (let i = 0; i < 3; i++) peer.send({ type: 'event', name: 'flood' });
    expect(await peer.closeCode()).toBe(CLOSE.RATE_LIMITED);
    expect(events).toEqual(['e0', 'e1', 'a second later']);
  });

  it('acknowledges an event with an id once handled, and names the id of one it drops', async () => {
    const clock = rateClock();
    h = await start({ eventsPerSecond: 1, eventBurst: 2, onEvent: () => undefined });
    const { peer } = await livePeer(h);
    peer.send({ type: 'event', name: 'kept', id: 3 });
    expect(await peer.expect('ack')).toEqual({ type: 'ack', id: 3 });
    // The hello and 'kept' took the burst; the clock stands still.
    peer.send({ type: 'event', name: 'dropped', id: 4 });
    expect(await peer.expect('error')).toMatchObject({ code: 'rate_limited', id: 4 });
    clock.advance(2000);
    peer.send({ type: 'event', name: 'no id' });
    peer.send({ type: 'event', name: 'later', id: 5 });
    // No ack for an event without an id; the next one is acknowledged.
    expect(await peer.next('the next message')).toEqual({ type: 'ack', id: 5 });
  });

  it('closes a peer flooding far over the rate although some of its events keep passing', async () => {
    const clock = rateClock();
    const events: string[] = [];
    let wake = () => undefined as void;
    h = await start({ eventsPerSecond: 20, eventBurst: 40, onEvent: (_, name) => void (events.push(name), wake()) });
    const { peer } = await livePeer(h);
    let answered = 0;
    peer.ws.on('message', () => (answered++, wake()));
    /** Resolves once the server has taken `n` frames: handled (onEvent) or refused (an answer). */
    const taken = (n: number) =>
      new Promise<void>((resolve) => {
        wake = () => void (answered + events.length >= n && resolve());
        wake();
      });
    // 400 events a second, in 50 ms steps: past the burst, one passes per step and nineteen are refused. Each
    // step waits for the server to take the one before, so it sees the flood at the clock's rate however busy it is.
    let step = 0;
    let closed = false;
    const closing = peer.closeCode().then((code) => ((closed = true), code));
    while (!closed) {
      clock.advance(50);
      const before = answered + events.length;
      for (let i = 0; i < 20; i++) peer.send({ type: 'event', name: `s${step}` });
      step++;
      await within(Promise.race([closing, taken(before + 20)]), `the server to take step ${step}`);
    }
    expect(await closing).toBe(CLOSE.RATE_LIMITED);
    // Bounded: the budget of 40 refusals, plus one a second of the flood's clock, got answers.
    expect(answered).toBeLessThanOrEqual(40 + Math.ceil((step * 50) / 1000) + 1);
    expect(events.length).toBeGreaterThan(0);
  });

  it('closes a peer that keeps sending malformed frames after a bounded number of answers', async () => {
    const clock = rateClock();
    h = await start({ eventsPerSecond: 20, eventBurst: 5 });
    const { peer } = await livePeer(h);
    // Ten a second, well within the event rate: each is answered until the budget of five refusals
    // (one more a second) runs out; the sixth, half a second on, closes the connection.
    for (let i = 0; i < 5; i++) {
      clock.advance(100);
      peer.send('{not json');
      expect(await peer.expect('error')).toMatchObject({ code: 'malformed' });
    }
    clock.advance(100);
    peer.send('{not json');
    expect(await peer.closeCode()).toBe(CLOSE.MALFORMED_FRAME);
  });
});
