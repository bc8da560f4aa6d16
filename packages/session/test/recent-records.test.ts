import { describe, expect, it, vi } from 'vitest';
import { useSharedStore } from './shared-store.js';
import type { Session } from '../src/index.js';
import { drain, expected, page, todoPage, toggled, type TodoPage } from './fixtures.js';

const shared = useSharedStore();
const instance = shared.instance;

describe('the records an instance keeps', () => {
  it('let renders read nothing from the store, the first after newSession included, and parse no state', async () => {
    const store = shared.fresh();
    const st = instance();
    const first = todoPage('kept');
    const created = await st.newSession(first);
    const session = await st.getSession(created.sessionId, created.token);
    const reads = store.reads;
    const parse = vi.spyOn(JSON, 'parse');
    let data = first;
    try {
      for (let i = 0; i < 5; i++) await session.render((data = toggled(data, i)));
    } finally {
      parse.mockRestore();
    }
    expect(store.reads - reads).toBe(0);
    expect(parse).not.toHaveBeenCalled();
    await expectPage(session, created.html, data);
  });

  it('read the store again with recordCache 0, or for sessions past the limit', async () => {
    const store = shared.fresh();
    const st = instance({ recordCache: 1 });
    const [a, b] = [await st.newSession(todoPage('a')), await st.newSession(todoPage('b'))];
    const [sa, sb] = [await st.getSession(a.sessionId, a.token), await st.getSession(b.sessionId, b.token)];
    const reads = store.reads;
    await sb.render(toggled(todoPage('b'), 1));
    expect(store.reads - reads).toBe(0);
    // a was pushed out by b: its render reads the store.
    await sa.render(toggled(todoPage('a'), 1));
    expect(store.reads - reads).toBe(1);
    const none = instance({ recordCache: 0 });
    const c = await none.newSession(todoPage('c'));
    const sc = await none.getSession(c.sessionId, c.token);
    const before = store.reads;
    await sc.render(toggled(todoPage('c'), 1));
    expect(store.reads - before).toBe(1);
  });

  it('never lose a render of another instance: the compare-and-set catches a stale record, and news of renders drops it', async () => {
    const store = shared.fresh();
    const [x, y] = [instance(), instance()];
    const first = todoPage('shared');
    const created = await x.newSession(first);
    const onX = await x.getSession(created.sessionId, created.token);
    const onY = await y.getSession(created.sessionId, created.token);
    // Unsubscribed, x hears nothing of y's render: its record is stale, the write conflicts, it reads and renders again.
    let data = toggled(first, 0);
    await onX.render(data);
    await onY.render((data = toggled(data, 1)));
    await onX.render((data = toggled(data, 2)));
    expect(store.conflicts).toBe(1);
    await expectPage(onX, created.html, data);
    // Subscribed, each hears of the other's renders before its own: no conflict.
    const streams = [onX.updates(), onY.updates()];
    for (let i = 3; i < 9; i++) await (i % 2 === 0 ? onX : onY).render((data = toggled(data, i)));
    expect(store.conflicts).toBe(1);
    await expectPage(onY, created.html, data);
    await x.invalidate(created.sessionId);
    await Promise.all(streams.map((stream) => drain(stream)));
  });
});

/** The first page with every logged update applied shows `data`. */
async function expectPage(session: Session, html: string, data: TodoPage): Promise<void> {
  const missed = await session.updatesSince(0);
  if (!Array.isArray(missed)) throw new Error('the replay log no longer covers the first page');
  const dom = page(html);
  dom.apply(missed);
  expect(dom.html()).toBe(expected(data));
}
