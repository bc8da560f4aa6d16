import { afterEach, describe, expect, it } from 'vitest';
import { RenderError } from '@statetemplate/core';
import { ROOT_ID } from '@statetemplate/protocol';
import { StoreError, type SessionRecord } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import {
  SessionClosedError,
  SessionExpiredError,
  SessionNotFoundError,
  StateTemplate,
  type Session,
  type StateTemplateOptions,
} from '../src/index.js';
import { drain, expected, manualClock, MINUTE, page, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, type TodoPage, toggled } from './fixtures.js';

const open: StateTemplate[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close()));
});

/** A fresh session on a fresh StateTemplate, with the first page and a DOM showing it. */
async function start(data: TodoPage = todoPage('ann'), options: StateTemplateOptions = {}) {
  const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, ...options });
  open.push(st);
  const created = await st.newSession(data);
  const session = await st.getSession(created.sessionId, created.token);
  return { st, session, created, dom: page(created.html) };
}

describe('Session.render', () => {
  it('returns only the fragments that changed, and they bring the first page to the new data', async () => {
    const first = todoPage('ann');
    const { session, dom } = await start(first);
    const next = toggled(first, 3);
    const updates = await session.render(next);
    expect(updates.map((u) => u.fragment_id).sort()).toEqual(['2:3', '3']);
    expect(updates.every((u) => !u.html.includes('task 4'))).toBe(true);
    dom.apply(updates);
    expect(dom.html()).toBe(expected(next));
  });

  it('with immutable, trusts item objects it rendered: a changed item must be a new one', async () => {
    const first = todoPage('ann');
    const { session, dom } = await start(first, { immutable: true });
    const next = toggled(first, 3);
    dom.apply(await session.render(next));
    expect(dom.html()).toBe(expected(next));
    // The promise broken on purpose: an item changed in place is taken as the one rendered.
    next.items[5]!.text = 'changed in place';
    expect(await session.render({ ...next, items: [...next.items] })).toEqual([]);
  });

  it('returns [] when nothing changed, without advancing the sequence', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    expect(await session.render(structuredClone(first))).toEqual([]);
    expect(session.seq).toBe(0);
  });

  it('numbers updates 1, 2, 3, ... across renders', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const a = await session.render(toggled(first, 0));
    const b = await session.render(toggled(toggled(first, 0), 1));
    expect([...a, ...b].map((u) => u.seq)).toEqual([1, 2, 3, 4]);
    expect(session.seq).toBe(4);
  });

  it('applies concurrent renders in call order, across handles of one session', async () => {
    const first = todoPage('ann');
    const { st, session, created, dom } = await start(first);
    const other = await st.getSession(created.sessionId, created.token);
    const pages = [first];
    for (let i = 0; i < 20; i++) pages.push(toggled(pages[pages.length - 1]!, i % 25, `step ${i}`));
    const results = await Promise.all(pages.slice(1).map((p, i) => (i % 2 === 0 ? session : other).render(p)));
    const all = results.flat();
    expect(all.map((u) => u.seq)).toEqual(all.map((_, i) => i + 1));
    for (const [i, updates] of results.entries()) expect(updates.some((u) => u.html.includes(`step ${i}<`))).toBe(true);
    dom.apply(all);
    expect(dom.html()).toBe(expected(pages[pages.length - 1]!));
  });

  it('keeps the stored state when the data makes rendering throw', async () => {
    const first = todoPage('ann');
    const { session, dom } = await start(first);
    const hostile = { ...first, get title(): string {
      throw new Error('getter failed');
    } };
    await expect(session.render(hostile)).rejects.toBeInstanceOf(RenderError);
    const next = toggled(first, 2);
    dom.apply(await session.render(next));
    expect(dom.html()).toBe(expected(next));
  });

  it('rejects with the abort reason and commits nothing when aborted before it runs', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const controller = new AbortController();
    const slow = session.render(toggled(first, 0));
    const aborted = session.render(toggled(first, 1), { signal: controller.signal });
    controller.abort(new Error('navigated away'));
    await slow;
    await expect(aborted).rejects.toThrow('navigated away');
    expect(await session.updatesSince(0)).toHaveLength(2);
  });

  it('rejects at once with an already aborted signal', async () => {
    const { session } = await start();
    await expect(session.render(todoPage('x'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects on a closed session with SessionClosedError', async () => {
    const { session } = await start();
    await session.close();
    const error = await session.render(todoPage('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionClosedError);
    expect((error as SessionClosedError).code).toBe('session_closed');
  });

  it('rejects with SessionClosedError when another handle invalidated the session', async () => {
    const { st, session, created } = await start();
    const other = await st.getSession(created.sessionId, created.token);
    await other.invalidate();
    await expect(session.render(todoPage('x'))).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('rejects on an expired session with SessionExpiredError', async () => {
    const clock = manualClock();
    const { session } = await start(todoPage('ann'), { expiration: MINUTE, now: clock.now });
    clock.advance(60_001);
    const error = await session.render(todoPage('x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).code).toBe('session_expired');
  });

  it('stamps updates and resyncs with the clock given as `now`', async () => {
    const clock = manualClock();
    const first = todoPage('ann');
    const { session } = await start(first, { now: clock.now, replayLog: 0 });
    clock.advance(1_234);
    const updates = await session.render(toggled(first, 0));
    expect(updates.map((u) => u.timestamp)).toEqual(updates.map(() => clock.now()));
    clock.advance(1_000);
    // No replay log: catching up from 0 is a resync, stamped when it is delivered.
    const [resync] = await take(session.updates({ since: 0 }), 1);
    expect(resync).toMatchObject({ fragment_id: ROOT_ID, action: 'replace', timestamp: clock.now() });
  });

  it('renders called before close finish; those after it are refused', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const before = session.render(toggled(first, 0));
    const closing = session.close();
    const after = session.render(toggled(first, 1));
    expect((await before).length).toBeGreaterThan(0);
    await closing;
    await expect(after).rejects.toBeInstanceOf(SessionClosedError);
    await expect(session.close()).resolves.toBeUndefined();
  });
});

describe('Session.updates', () => {
  it('streams the same updates render returns, in order', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const stream = session.updates();
    const a = await session.render(toggled(first, 0));
    const b = await session.render(toggled(toggled(first, 0), 5));
    expect(await take(stream, a.length + b.length)).toEqual([...a, ...b]);
  });

  it('take() hands over what is ready without waiting, in the order next() would', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const stream = session.updates();
    expect(stream.take()).toBeUndefined();
    const a = await session.render(toggled(first, 0));
    const b = await session.render(toggled(toggled(first, 0), 5));
    const [head] = await take(stream, 1);
    const rest = [];
    for (let item; (item = stream.take()) !== undefined; ) rest.push(item);
    expect([head, ...rest]).toEqual([...a, ...b]);
    expect(stream.take()).toBeUndefined();
  });

  it('gives every subscription every update', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const streams = [session.updates(), session.updates(), session.updates()];
    const updates = await session.render(toggled(first, 7));
    for (const stream of streams) expect(await take(stream, updates.length)).toEqual(updates);
  });

  it('starts after `since`, replaying what the client missed', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const missed = await session.render(toggled(first, 0));
    const stream = session.updates({ since: 0 });
    const live = await session.render(toggled(toggled(first, 0), 1));
    expect(await take(stream, missed.length + live.length)).toEqual([...missed, ...live]);
  });

  it('starts with a resync replace of the root when the log no longer reaches back', async () => {
    const first = todoPage('ann');
    const { session, created } = await start(first, { replayLog: 2 });
    let data = first;
    for (let i = 0; i < 5; i++) await session.render((data = toggled(data, i)));
    const dom = page(created.html);
    const [resync] = await take(session.updates({ since: 0 }), 1);
    expect(resync).toMatchObject({ fragment_id: ROOT_ID, action: 'replace', seq: session.seq });
    dom.apply([resync!]);
    expect(dom.html()).toBe(expected(data));
  });

  it('ends when the session closes, after delivering what it buffered', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const stream = session.updates();
    const updates = await session.render(toggled(first, 0));
    await session.close();
    expect(await drain(stream)).toEqual(updates);
  });

  it('unsubscribes on break, leaving other subscriptions running', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const leaving = session.updates();
    const staying = session.updates();
    const a = await session.render(toggled(first, 0));
    for await (const u of leaving) {
      expect(u).toEqual(a[0]);
      break;
    }
    expect(await leaving.next()).toEqual({ value: undefined, done: true });
    const b = await session.render(toggled(toggled(first, 0), 1));
    expect(await take(staying, a.length + b.length)).toEqual([...a, ...b]);
  });

  it('is refused on a closed session with SessionClosedError', async () => {
    const { session } = await start();
    await session.close();
    expect(() => session.updates()).toThrow(SessionClosedError);
  });

  it('rejects next() with the store error when catching up fails, instead of hanging', async () => {
    class FailingStore extends MemorySessionStore {
      failGets = false;
      override async get(id: string): Promise<SessionRecord | null> {
        if (this.failGets) throw new StoreError('unavailable', 'backend down');
        return super.get(id);
      }
    }
    const store = new FailingStore();
    const { session } = await start(todoPage('ann'), { store });
    store.failGets = true;
    const error = await session.updates().next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('unavailable');
    await store.close();
  });
});

describe('Session.updatesSince', () => {
  it('returns the logged updates after a sequence number, [] when up to date', async () => {
    const first = todoPage('ann');
    const { session } = await start(first);
    const a = await session.render(toggled(first, 0));
    const b = await session.render(toggled(toggled(first, 0), 1));
    expect(await session.updatesSince(0)).toEqual([...a, ...b]);
    expect(await session.updatesSince(a.length)).toEqual(b);
    expect(await session.updatesSince(session.seq)).toEqual([]);
  });

  it('returns the whole page as a resync once the log dropped what was asked for', async () => {
    const first = todoPage('ann');
    const { session, created } = await start(first, { replayLog: 3 });
    let data = first;
    for (let i = 0; i < 4; i++) await session.render((data = toggled(data, i)));
    const missed = await session.updatesSince(0);
    expect(missed).toEqual({ resync: expect.any(String), seq: session.seq });
    const dom = page(created.html);
    dom.root.innerHTML = (missed as { resync: string }).resync;
    expect(dom.html()).toBe(expected(data));
  });

  it('answers a sequence number it never issued with a resync', async () => {
    const { session } = await start();
    for (const seq of [5, -1, 0.5]) expect(await session.updatesSince(seq)).toHaveProperty('resync');
  });
});

/** Named for the design's list: session lifecycle end to end. */
describe('end-to-end data flow', () => {
  it('acquires a session, streams its renders into a DOM that matches a fresh render, and invalidates it', async () => {
    const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY });
    open.push(st);
    let data = todoPage('flow');
    const { html, sessionId, token } = await st.newSession(data);
    const dom = page(html);
    const session: Session = await st.getSession(sessionId, token);
    const stream = session.updates();
    let count = 0;
    for (let i = 0; i < 10; i++) count += (await session.render((data = toggled(data, (i * 7) % 25)))).length;
    dom.apply(await take(stream, count));
    expect(dom.html()).toBe(expected(data));
    await session.invalidate();
    expect(await drain(stream)).toEqual([]);
    await expect(st.getSession(sessionId, token)).rejects.toMatchObject({ code: 'session_not_found' });
  });
});

describe('Session.close and Session.invalidate', () => {
  it('close() releases one handle: the session lives on for other handles and a reconnect', async () => {
    const first = todoPage('ann');
    const { st, session, created } = await start(first);
    const other = await st.getSession(created.sessionId, created.token);
    const mine = session.updates();
    const theirs = other.updates();
    await session.close();
    expect(await drain(mine)).toEqual([]);
    await expect(session.render(toggled(first, 0))).rejects.toBeInstanceOf(SessionClosedError);
    const updates = await other.render(toggled(first, 0));
    expect(updates.length).toBeGreaterThan(0);
    expect(await take(theirs, updates.length)).toEqual(updates);
    const again = await st.getSession(created.sessionId, created.token);
    expect(again.seq).toBe(updates[updates.length - 1]!.seq);
  });

  it('invalidate() revokes the session for every handle, and ends every stream', async () => {
    const { st, session, created } = await start();
    const other = await st.getSession(created.sessionId, created.token);
    const theirs = other.updates();
    await session.invalidate();
    expect(await drain(theirs)).toEqual([]);
    await expect(other.render(todoPage('x'))).rejects.toBeInstanceOf(SessionClosedError);
    await expect(st.getSession(created.sessionId, created.token)).rejects.toMatchObject({ code: 'session_not_found' });
  });

  it('says not_found, not closed, for a session whose record was lost from the store', async () => {
    const store = new MemorySessionStore();
    const { session, created } = await start(todoPage('ann'), { store });
    await store.delete(created.sessionId);
    await expect(session.render(todoPage('x'))).rejects.toBeInstanceOf(SessionNotFoundError);
    await store.close();
  });

  it('a released handle cannot invalidate; StateTemplate.invalidate takes the id', async () => {
    const { st, session, created } = await start();
    await session.close();
    await expect(session.invalidate()).rejects.toBeInstanceOf(SessionClosedError);
    await st.invalidate(created.sessionId);
    await expect(st.getSession(created.sessionId, created.token)).rejects.toMatchObject({ code: 'session_not_found' });
    await expect(st.invalidate(created.sessionId)).resolves.toBeUndefined();
  });
});
