import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '@statetemplate/core';
import { ROOT_ID } from '@statetemplate/protocol';
import { ResyncUnavailableError, StateTemplate, type StateTemplateOptions } from '../src/index.js';
import { expected, page, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled, type TodoPage } from './fixtures.js';

const open: StateTemplate[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close()));
});

/**
 * A session whose 25-item list is past `digestListsAbove` (3): its state
 * keeps digests, so it cannot rebuild the page. The application's data
 * lives in `app`, as a real application's database would hold it.
 */
async function start(options: StateTemplateOptions = {}) {
  const app = new Map<string, TodoPage>();
  const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, digestListsAbove: 3, replayLog: 2, ...options });
  open.push(st);
  const first = todoPage('ann');
  const created = await st.newSession(first);
  app.set(created.sessionId, first);
  const session = await st.getSession(created.sessionId, created.token);
  /** Renders and keeps the data as the application's. */
  const render = async (data: TodoPage) => {
    app.set(session.id, data);
    return session.render(data);
  };
  return { st, app, session, created, render };
}

describe('a session whose state digested a huge list', () => {
  it('renders a page past the replay log from `load`, writing the state and sending other pages the diff', async () => {
    const loads: string[] = [];
    let app: Map<string, TodoPage> | undefined;
    const started = await start({
      load: async (id) => {
        loads.push(id);
        return app!.get(id);
      },
    });
    app = started.app;
    const { session, created, render } = started;
    let data = todoPage('ann');
    for (let i = 0; i < 4; i++) await render((data = toggled(data, i)));
    // A page that is live, at the session's last render.
    const live = page(compile(TODO_TEMPLATE, { digestListsAbove: 3 }).render(data).html);
    const other = session.updates();
    // The application changed its data without rendering (say, another process wrote it): the resync shows it.
    const changed = toggled(data, 9);
    app.set(session.id, changed);
    const missed = await session.updatesSince(0);
    expect(loads).toEqual([session.id]);
    // Four renders of two updates each, and the one of the loaded data.
    expect(missed).toEqual({ resync: expect.any(String), seq: 10 });
    const resynced = page(created.html);
    resynced.root.innerHTML = (missed as { resync: string }).resync;
    expect(resynced.html()).toBe(expected(changed));
    // The live page gets that render's updates, and the next render diffs from the state it wrote.
    const next = toggled(changed, 10);
    const updates = await render(next);
    live.apply([...(await take(other, 2)), ...updates]);
    resynced.apply(updates);
    expect(live.html()).toBe(expected(next));
    expect(resynced.html()).toBe(expected(next));
    expect(updates).toHaveLength(2); // the toggled item, replaced whole, and the count
  });

  it('tells a page past the replay log to reload when there is no `load`', async () => {
    const { session, render } = await start();
    let data = todoPage('ann');
    for (let i = 0; i < 4; i++) await render((data = toggled(data, i)));
    await expect(session.updatesSince(0)).rejects.toBeInstanceOf(ResyncUnavailableError);
    await expect(session.updatesSince(0)).rejects.toMatchObject({ code: 'resync_unavailable' });
    // A stream starting there ends with the same error; one within the log is served as usual.
    await expect(take(session.updates({ since: 0 }), 1)).rejects.toBeInstanceOf(ResyncUnavailableError);
    const [update] = await take(session.updates({ since: session.seq - 1 }), 1);
    expect(update).toMatchObject({ seq: session.seq });
    expect(update!.fragment_id).not.toBe(ROOT_ID);
  });

  it('still rebuilds the page from the state while its lists stay below the threshold', async () => {
    const { session, created, render } = await start({ digestListsAbove: 100 });
    let data = todoPage('ann');
    for (let i = 0; i < 4; i++) await render((data = toggled(data, i)));
    const missed = await session.updatesSince(0);
    const dom = page(created.html);
    dom.root.innerHTML = (missed as { resync: string }).resync;
    expect(dom.html()).toBe(expected(data));
  });

  it('renders a topic session from its own stored data, without `load`', async () => {
    const template = '<h1>Hello {{user}}</h1><ul>{{#todos}}<li>{{text}}</li>{{/todos}}</ul>';
    const st = new StateTemplate(template, { signingKey: SIGNING_KEY, digestListsAbove: 2 });
    open.push(st);
    const todos = Array.from({ length: 5 }, (_, id) => ({ id, text: `task ${id}` }));
    await st.publish('board', { todos });
    const { sessionId, token } = await st.newSession({ user: 'ann' }, { topic: 'board' });
    const session = await st.getSession(sessionId, token);
    const missed = await session.updatesSince(-1);
    expect(missed).toEqual({ resync: compile(template).render({ user: 'ann', todos }).html, seq: session.seq });
  });
});
