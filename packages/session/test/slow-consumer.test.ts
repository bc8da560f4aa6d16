import { afterEach, describe, expect, it } from 'vitest';
import { ROOT_ID } from '@statetemplate/protocol';
import { StateTemplate, type SessionUpdate, type UpdateStream } from '../src/index.js';
import { expected, page, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled, type TodoPage } from './fixtures.js';

const open: StateTemplate[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close()));
});

async function start(streamBuffer: number) {
  const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, streamBuffer });
  open.push(st);
  const data = todoPage('slow');
  const created = await st.newSession(data);
  const session = await st.getSession(created.sessionId, created.token);
  return { session, data, dom: page(created.html) };
}

/** Applies updates from the stream until it reaches sequence number `seq`; returns how many it took. */
async function catchUp(stream: UpdateStream, seq: number, apply: (update: SessionUpdate) => void, from = 0): Promise<number> {
  let delivered = 0;
  for (let last = from; last < seq; delivered++) {
    const [update] = await take(stream, 1);
    apply(update!);
    last = update!.seq;
  }
  return delivered;
}

describe('a slow updates() consumer', () => {
  it('gets coalesced updates that still build the right page when edits repeat over few fragments', async () => {
    const { session, data, dom } = await start(2_048);
    const stream = session.updates();
    let current: TodoPage = data;
    let total = 0;
    for (let i = 0; i < 300; i++) total += (await session.render((current = toggled(current, i % 5, `edit ${i}`)))).length;
    const delivered = await catchUp(stream, session.seq, (u) => dom.apply([u]));
    expect(delivered).toBeLessThan(total / 5);
    expect(dom.html()).toBe(expected(current));
  });

  it('collapses a flood that cannot coalesce into one replace of the root', async () => {
    const { session, data, dom } = await start(2_048);
    const stream = session.updates();
    let current: TodoPage = data;
    for (let i = 0; i < 200; i++) {
      current = { ...current, items: [...current.items, { id: 1000 + i, text: `added ${i}`, done: false }] };
      await session.render(current);
    }
    const [first] = await take(stream, 1);
    expect(first).toMatchObject({ fragment_id: ROOT_ID, action: 'replace' });
    dom.apply([first!]);
    await catchUp(stream, session.seq, (u) => dom.apply([u]), first!.seq);
    expect(dom.html()).toBe(expected(current));
  });

  it('keeps receiving live updates after catching up from a collapse', async () => {
    const { session, data, dom } = await start(1_024);
    const stream = session.updates();
    let current: TodoPage = data;
    for (let i = 0; i < 100; i++) await session.render((current = toggled(current, i % 25, `burst ${i}`)));
    await catchUp(stream, session.seq, (u) => dom.apply([u]));
    const live = await session.render((current = toggled(current, 3, 'after the burst')));
    dom.apply(await take(stream, live.length));
    expect(dom.html()).toBe(expected(current));
  });
});
