import { afterEach, describe, expect, it } from 'vitest';
import { compile, StreamError } from '@statetemplate/core';
import { StateTemplate, StreamRefusedError, type StateTemplateOptions } from '../src/index.js';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { sessionData } from '../src/session-data.js';
import { normalised, page, SIGNING_KEY, take } from './fixtures.js';

const TEMPLATE = '<h1>{{title}}</h1><ul>{{#messages}}<li class="m">{{text}}</li>{{/messages}}</ul><p>{{count}}</p>';

interface Message {
  id: number;
  text: string;
}

const message = (id: number, text = `message ${id}`): Message => ({ id, text });

/** How a page showing `messages` (and `title`, `count`) serialises: what the stream's updates must produce. */
function expected(title: string, messages: readonly Message[], count = 0): string {
  return normalised(compile(TEMPLATE, { streams: ['messages'] }).render({ title, messages, count }).html);
}

describe('session streams', () => {
  const open: StateTemplate[] = [];
  afterEach(() => Promise.all(open.splice(0).map((st) => st.close())));
  const instance = (options: StateTemplateOptions = {}) => {
    const st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY, streams: { messages: {} }, ...options });
    open.push(st);
    return st;
  };

  it('inserts, updates, moves, deletes and resets items by key, the state O(1) in their number', async () => {
    const store = new MemorySessionStore();
    const st = instance({ store });
    const created = await st.newSession({ title: 'Chat', messages: [message(1)], count: 0 });
    const session = await st.getSession(created.sessionId, created.token);
    const browser = page(created.html);
    const stream = session.stream('messages');
    const model = [message(1)];
    const stateOf = async () => {
      const { state } = sessionData((await store.get(created.sessionId))!);
      return typeof state === 'string' ? state : JSON.stringify(state);
    };
    const before = await stateOf();

    for (let id = 2; id <= 50; id++) {
      browser.apply(await stream.insert(message(id)));
      model.push(message(id));
    }
    browser.apply(await stream.insert(message(0), { at: 'start' }));
    model.unshift(message(0));
    browser.apply(await stream.insert(message(7, 'edited in place')));
    model[model.findIndex((m) => m.id === 7)] = message(7, 'edited in place');
    browser.apply(await stream.insert(message(3, 'moved after 10'), { after: 10 }));
    model.splice(model.findIndex((m) => m.id === 3), 1);
    model.splice(model.findIndex((m) => m.id === 10) + 1, 0, message(3, 'moved after 10'));
    browser.apply(await stream.update(message(4, 'updated')));
    model[model.findIndex((m) => m.id === 4)] = message(4, 'updated');
    browser.apply(await stream.delete(5));
    browser.apply(await stream.delete(message(6)));
    model.splice(model.findIndex((m) => m.id === 5), 2);
    // Not on the page: nothing happens, nothing throws.
    browser.apply([...(await stream.update(message(999))), ...(await stream.delete(998)), ...(await stream.insert(message(997), { after: 996 }))]);
    // The stored state records no item: it is what the first render left, whatever the stream holds.
    expect(await stateOf()).toBe(before);
    browser.apply(await session.render({ title: 'Chat 2', messages: [], count: 1 }));
    expect(browser.html()).toBe(expected('Chat 2', model, 1));


    browser.apply(await stream.reset([message(100), message(101)]));
    expect(browser.html()).toBe(expected('Chat 2', [message(100), message(101)], 1));
  });

  it('trims the far end to a limit: the start for an append, the end for a prepend', async () => {
    const st = instance();
    const created = await st.newSession({ title: 't', messages: [], count: 0 });
    const session = await st.getSession(created.sessionId, created.token);
    const browser = page(created.html);
    const stream = session.stream('messages');
    for (let id = 1; id <= 6; id++) browser.apply(await stream.insert(message(id), { limit: 3 }));
    expect(browser.html()).toBe(expected('t', [4, 5, 6].map((id) => message(id))));
    browser.apply(await stream.insert(message(0), { at: 'start', limit: 2 }));
    expect(browser.html()).toBe(expected('t', [0, 4].map((id) => message(id))));
    // Trimmed items are gone from the page: their updates do nothing.
    browser.apply(await stream.update(message(6, 'late')));
    expect(browser.html()).toBe(expected('t', [0, 4].map((id) => message(id))));
  });

  it('reaches a reconnecting page through the replay log, in order with renders', async () => {
    const st = instance();
    const created = await st.newSession({ title: 't', messages: [], count: 0 });
    const session = await st.getSession(created.sessionId, created.token);
    const stream = session.stream('messages');
    await stream.insert(message(1));
    await session.render({ title: 't', messages: [], count: 5 });
    await stream.insert(message(2), { at: 'start' });
    const browser = page(created.html);
    const missed = await session.updatesSince(0);
    if (!Array.isArray(missed)) throw new Error('expected the replay log');
    browser.apply(missed);
    expect(browser.html()).toBe(expected('t', [message(2), message(1)], 5));
    // A live subscriber gets them as they are committed, on another handle too.
    const other = await st.getSession(created.sessionId, created.token);
    const live = other.updates()[Symbol.asyncIterator]();
    await stream.delete(1);
    const [update] = await take(live, 1);
    browser.apply([update!]);
    expect(browser.html()).toBe(expected('t', [message(2)], 5));
  });

  it('rebuilds a page with the stream empty, or with what refill gives', async () => {
    const held = new Map<string, Message[]>();
    for (const refill of [undefined, (id: string) => held.get(id) ?? []]) {
      const st = instance({ replayLog: 1, streams: { messages: refill ? { refill } : {} } });
      const created = await st.newSession({ title: 't', messages: [message(1)], count: 0 });
      held.set(created.sessionId, [message(8), message(9)]);
      const session = await st.getSession(created.sessionId, created.token);
      await session.stream('messages').insert(message(2));
      await session.render({ title: 't', messages: [], count: 2 });
      const rebuilt = await session.updatesSince(0);
      if (Array.isArray(rebuilt)) throw new Error('expected a resync');
      expect(normalised(rebuilt.resync)).toBe(expected('t', refill ? [message(8), message(9)] : [], 2));
      // The rebuilt page takes later stream updates like any other.
      const browser = page(rebuilt.resync);
      browser.apply(await session.stream('messages').insert(message(10), { at: 'start' }));
      expect(browser.html()).toBe(expected('t', refill ? [message(10), message(8), message(9)] : [message(10)], 2));
    }
  });

  it('refuses bad input with typed errors before anything is sent', async () => {
    const st = instance();
    const created = await st.newSession({ title: 't', messages: [], count: 0 });
    const session = await st.getSession(created.sessionId, created.token);
    expect(() => session.stream('nope')).toThrow(expect.objectContaining({ code: 'unknown_stream' }));
    const stream = session.stream('messages');
    await expect(stream.insert({ text: 'no id' })).rejects.toThrow(StreamError);
    await expect(stream.insert({ text: 'no id' })).rejects.toMatchObject({ code: 'stream_key' });
    await expect(stream.insert(message(1), { limit: 0 })).rejects.toThrow(RangeError);
    await expect(stream.insert(message(1), { at: 'middle' as 'end' })).rejects.toThrow(TypeError);
    await expect(stream.insert(message(1), { at: 'end', after: 2 })).rejects.toThrow(TypeError);
    await expect(stream.insert(message(1), { after: 1 })).rejects.toThrow(RangeError);
    await expect(stream.reset([message(1), message(1)])).rejects.toMatchObject({ code: 'stream_key' });
    expect(session.seq).toBe(0);
    expect(() => new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY, streams: { count: {} } })).toThrow(expect.objectContaining({ code: 'not_a_stream' }));
  });

  it('refuses streams on topic sessions', async () => {
    const st = instance();
    await st.publish('room', { title: 'shared' });
    const created = await st.newSession({ messages: [] }, { topic: 'room' });
    const session = await st.getSession(created.sessionId, created.token);
    expect(() => session.stream('messages')).toThrow(StreamRefusedError);
  });
});
