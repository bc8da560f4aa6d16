import { afterEach, describe, expect, it } from 'vitest';
import { ROOT_ID } from '@statetemplate/protocol';
import { StateTemplate, type SessionCommand, type SessionUpdate } from '../src/index.js';
import { drain, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled } from './fixtures.js';

const open: StateTemplate[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close()));
});

async function start(streamBuffer?: number) {
  const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, ...(streamBuffer && { streamBuffer }) });
  open.push(st);
  const data = todoPage('commands');
  const created = await st.newSession(data);
  return { st, data, session: await st.getSession(created.sessionId, created.token) };
}

/** The payloads of the events among `items`. */
const payloads = (items: (SessionUpdate | SessionCommand)[]) => items.flatMap((item) => ('command' in item && item.command === 'event' ? [item.payload] : []));

describe('commands: pushEvent, navigate and redirect', () => {
  it('reach a stream opened for them, each after the updates rendered before it', async () => {
    const { session, data } = await start();
    const stream = session.updates({ commands: true });
    const first = await session.render(toggled(data, 0));
    const pushed = session.pushEvent('chart:data', { points: [1, 2, 3] });
    const second = session.render(toggled(toggled(data, 0), 1));
    await session.navigate('/todos?filter=done', { replace: true });
    await session.redirect('https://elsewhere.test/login');
    await pushed;
    const rest = await second;
    const items = await take(stream, first.length + rest.length + 3);
    expect(items).toEqual([
      ...first,
      { command: 'event', name: 'chart:data', payload: { points: [1, 2, 3] }, after: first.at(-1)!.seq },
      ...rest,
      { command: 'navigate', url: '/todos?filter=done', replace: true, after: rest.at(-1)!.seq },
      { command: 'redirect', url: 'https://elsewhere.test/login', after: rest.at(-1)!.seq },
    ]);
  });

  it('stay out of a stream not opened for them', async () => {
    const { st, session, data } = await start();
    const stream = session.updates();
    await session.pushEvent('ignored');
    const updates = await session.render(toggled(data, 3));
    await st.invalidate(session.id);
    expect(await drain(stream)).toEqual(updates);
  });

  it('are refused before they are queued when they could not reach a page as given', async () => {
    const { session } = await start();
    await expect(session.pushEvent('')).rejects.toThrow(TypeError);
    await expect(session.pushEvent('x', { when: new Date() } as never)).rejects.toThrow(/not JSON/);
    await expect(session.pushEvent('x', { n: Number.NaN })).rejects.toThrow(/not JSON/);
    await expect(session.pushEvent('x', undefined as never)).resolves.toBeUndefined();
    for (const url of ['//evil.test/', '/\\evil.test', 'https://evil.test/', 'todos', '']) {
      await expect(session.navigate(url)).rejects.toThrow(/navigate takes a path/);
    }
    for (const url of ['javascript:alert(1)', 'data:text/html,x', '//evil.test', 'https:/x', '']) {
      await expect(session.redirect(url)).rejects.toThrow(/redirect takes a path or an http\(s\) URL/);
    }
  });

  it('survive a slow consumer\'s collapse, after the page they would have followed', async () => {
    const { session, data } = await start(1_024);
    const stream = session.updates({ commands: true });
    let current = data;
    for (let i = 0; i < 60; i++) {
      current = { ...current, items: [...current.items, { id: 1000 + i, text: `added ${i}`, done: false }] };
      await session.render(current);
      if (i === 30) await session.pushEvent('halfway', i);
    }
    const [first, second] = await take(stream, 2);
    expect(first).toMatchObject({ fragment_id: ROOT_ID, action: 'replace' });
    expect(second).toMatchObject({ command: 'event', name: 'halfway', payload: 30 });
  });

  it('keep only the newest a collapsed buffer can hold', async () => {
    const { session } = await start(1_024);
    const stream = session.updates({ commands: true });
    for (let i = 0; i < 100; i++) await session.pushEvent('tick', i);
    const [first] = await take(stream, 1);
    // No update to collapse: the page gets no resync, only the oldest events are gone.
    expect(first).toMatchObject({ command: 'event', name: 'tick' });
    expect(payloads([first!])[0]).toBeGreaterThan(0);
    const got = [first!];
    while (payloads(got).at(-1) !== 99) got.push(...(await take(stream, 1)));
    const ticks = payloads(got) as number[];
    expect(ticks).toEqual(ticks.map((_, i) => ticks[0]! + i));
  });
});
