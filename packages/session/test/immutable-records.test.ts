import { afterEach, describe, expect, it } from 'vitest';
import type { SessionRecord } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { deepFreeze } from '@statetemplate/test-utils';
import { StateTemplate, type StateTemplateOptions } from '../src/index.js';
import { expected, page, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled, type TodoPage } from './fixtures.js';

/** Deep-freezes every record on its way in and out: any write by the session to a shared record throws. */
class FreezingStore extends MemorySessionStore {
  override create(record: SessionRecord): Promise<void> {
    return super.create(deepFreeze(record));
  }
  override async get(id: string): Promise<SessionRecord | null> {
    return deepFreeze(await super.get(id));
  }
  override async update(record: SessionRecord): Promise<SessionRecord> {
    return deepFreeze(await super.update(deepFreeze(record)));
  }
}

const open: { st: StateTemplate; store: MemorySessionStore }[] = [];
afterEach(async () => {
  for (const { st, store } of open.splice(0)) {
    await st.close();
    await store.close();
  }
});

async function start(data: TodoPage, options: StateTemplateOptions = {}) {
  const store = new FreezingStore();
  const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, store, ...options });
  open.push({ st, store });
  const created = await st.newSession(data, { client: 'ua' });
  return { st, store, created, session: await st.getSession(created.sessionId, created.token, { client: 'ua' }) };
}

const appended = (p: TodoPage, text: string): TodoPage => ({ ...p, items: [...p.items, { id: p.items.length + 100, text, done: false }] });
const removed = (p: TodoPage, index: number): TodoPage => ({ ...p, items: p.items.filter((_, i) => i !== index) });
const reversed = (p: TodoPage): TodoPage => ({ ...p, items: [...p.items].reverse() });

describe('records shared with the store', () => {
  it('are never changed by the session: renders, streams, replays and resyncs through a store that deep-freezes them', async () => {
    let data = todoPage('frozen', 6);
    const { st, created, session } = await start(data, { replayLog: 3 });
    const other = await st.getSession(created.sessionId, created.token, { client: 'ua' });
    const dom = page(created.html);
    const stream = session.updates();
    const pages = [toggled(data, 1), appended(toggled(data, 1), 'new'), removed(toggled(data, 1), 0), reversed(data), toggled(reversed(data), 2)];
    let count = 0;
    for (const next of pages) {
      // Two handles render concurrently; each render re-reads the frozen record the other committed.
      const [a, b] = await Promise.all([session.render(next), other.render(toggled(next, 3))]);
      count += a.length + b.length;
      data = toggled(next, 3);
    }
    dom.apply(await take(stream, count));
    expect(dom.html()).toBe(expected(data));
    const seq = Math.max(session.seq, other.seq);
    expect(await session.updatesSince(seq - 1)).toEqual([expect.objectContaining({ seq })]);
    const resync = await session.updatesSince(0);
    expect(resync).toEqual({ resync: expect.any(String), seq });
    const fresh = page((resync as { resync: string }).resync);
    expect(fresh.html()).toBe(expected(data));
  });

  it('keep what was rendered: data changed in place after newSession or render() does not reach a resync', async () => {
    const first = todoPage('kept');
    // No replay log: every catch-up is a resync, rendered from what the session kept.
    const { session } = await start(first, { replayLog: 0 });
    const before = structuredClone(first);
    first.items[0]!.text = 'changed in place';
    first.title = 'changed title';
    const initial = await session.updatesSince(-1);
    expect(page((initial as { resync: string }).resync).html()).toBe(expected(before));

    const next = toggled(before, 4);
    await session.render(next);
    const rendered = structuredClone(next);
    next.items[4]!.text = 'changed after render';
    next.items.push({ id: 99, text: 'pushed after render', done: false });
    const resync = await session.updatesSince(0);
    expect(page((resync as { resync: string }).resync).html()).toBe(expected(rendered));
  });

  it('keep their replay log: changing updates that render() or updatesSince() returned leaves the log alone', async () => {
    const first = todoPage('log');
    const { session } = await start(first);
    const updates = await session.render(toggled(first, 2));
    const original = structuredClone(updates);
    updates[0]!.html = 'tampered';
    updates[0]!.seq = 1_000;
    const replayed = await session.updatesSince(0);
    expect(replayed).toEqual(original);
    (replayed as typeof updates)[0]!.html = 'tampered again';
    expect(await session.updatesSince(0)).toEqual(original);
  });

  it('render data JSON cannot encode, since only what the page shows is stored, and resync from it', async () => {
    const first = todoPage('json');
    const { st, session } = await start(first);
    const cyclic: Record<string, unknown> = { ...first, title: 1n };
    cyclic.self = cyclic; // never read by the template
    const created = await st.newSession(cyclic);
    expect(page(created.html).html()).toBe(expected({ ...first, title: '1' }));
    const updates = await session.render(cyclic);
    expect(updates.map((u) => u.html)).toEqual(['1']);
    const resync = (await session.updatesSince(-1)) as { resync: string; seq: number };
    expect(page(resync.resync).html()).toBe(expected({ ...first, title: '1' }));
    expect(resync.seq).toBe(session.seq);
  });
});
