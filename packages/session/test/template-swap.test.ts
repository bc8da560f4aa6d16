import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, TemplateError } from '@statetemplate/core';
import { ROOT_ID } from '@statetemplate/protocol';
import { HANG_GUARD_MS } from '@statetemplate/test-utils';
import { ResyncUnavailableError, StateTemplate, type StateTemplateOptions, type TemplateSource } from '../src/index.js';
import { normalised, page, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled, type TodoPage } from './fixtures.js';

/** The todo page redone: other markup, and other fragment ids. */
const NEW_TEMPLATE = `<main>
<p class="count">{{remaining}} to do</p>
<h2>{{title}}</h2>
<ol>{{#items}}<li id="todo-{{id}}"><span class="{{#done}}done{{/done}}">{{text}}</span></li>{{/items}}</ol>
</main>`;

const open: StateTemplate[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close()));
  vi.restoreAllMocks();
});

/** A session of the todo page, its data kept in `app` as an application's database would. */
async function start(options: StateTemplateOptions = {}, template: string | TemplateSource = TODO_TEMPLATE) {
  const app = new Map<string, TodoPage>();
  const loads: string[] = [];
  const load = (id: string) => {
    loads.push(id);
    return app.get(id);
  };
  const st = new StateTemplate<TodoPage>(template, { signingKey: SIGNING_KEY, load, ...options });
  open.push(st);
  const data = todoPage('ann', 5);
  const created = await st.newSession(data);
  app.set(created.sessionId, data);
  const session = await st.getSession(created.sessionId, created.token);
  return { st, app, loads, session, created, data };
}

/** How a DOM showing `data` in `template` serialises. */
const shown = (template: string, data: unknown) => normalised(compile(template).render(data).html);

describe('setTemplate', () => {
  it('gives every live page the whole page in the new template, rendered from load, and diffs from there', async () => {
    const { st, app, loads, session, created } = await start();
    let data = toggled(todoPage('ann', 5), 1);
    app.set(session.id, data);
    await session.render(data);
    // Two pages at that render.
    const first = page(compile(TODO_TEMPLATE).render(data).html);
    const second = page(compile(TODO_TEMPLATE).render(data).html);
    const [a, b] = [session.updates(), session.updates()];
    await st.setTemplate(NEW_TEMPLATE);
    const [replaceA] = await take(a, 1);
    const [replaceB] = await take(b, 1);
    expect(replaceA).toMatchObject({ fragment_id: ROOT_ID, action: 'replace' });
    expect(replaceB).toMatchObject({ fragment_id: ROOT_ID, action: 'replace' });
    first.apply([replaceA!]);
    second.apply([replaceB!]);
    expect(first.html()).toBe(shown(NEW_TEMPLATE, data));
    expect(second.html()).toBe(shown(NEW_TEMPLATE, data));
    // One render of the application's data, whichever page asked first; the other page's snapshot found it done.
    expect(loads).toEqual([session.id]);
    // The state is the new template's now: a check (the heartbeat's) finds nothing missed.
    expect(await session.updatesSince(a.seq)).toEqual([]);
    data = toggled(data, 3);
    app.set(session.id, data);
    const updates = await session.render(data);
    expect(updates.some((u) => u.fragment_id === ROOT_ID)).toBe(false);
    first.apply(await take(a, updates.length));
    expect(first.html()).toBe(shown(NEW_TEMPLATE, data));
  });

  it('tells live pages to reload when there is no load', async () => {
    const { st, session } = await start({ load: undefined });
    const stream = session.updates();
    await st.setTemplate(NEW_TEMPLATE);
    await expect(take(stream, 1)).rejects.toBeInstanceOf(ResyncUnavailableError);
  });

  it('sends a session not on screen its whole page at its next render, and a page reconnecting after the swap the page too', async () => {
    const { st, app, session, created, data } = await start();
    await st.setTemplate(NEW_TEMPLATE);
    const next = toggled(data, 0);
    app.set(session.id, next);
    const dom = page(created.html);
    const updates = await session.render(next);
    expect(updates).toEqual([expect.objectContaining({ fragment_id: ROOT_ID, action: 'replace' })]);
    dom.apply(updates);
    expect(dom.html()).toBe(shown(NEW_TEMPLATE, next));
    // Another session, reconnecting at its last sequence number: its page shows the old template.
    const other = await st.newSession(data);
    app.set(other.sessionId, data);
    await st.setTemplate(TODO_TEMPLATE);
    const reconnecting = await st.getSession(other.sessionId, other.token);
    const otherPage = page(other.html);
    const [replace] = await take(reconnecting.updates({ since: reconnecting.seq }), 1);
    expect(replace).toMatchObject({ fragment_id: ROOT_ID });
    otherPage.apply([replace!]);
    expect(otherPage.html()).toBe(shown(TODO_TEMPLATE, data));
  });

  it('keeps the old template when the new one does not compile', async () => {
    const { st, session, data } = await start();
    await expect(st.setTemplate('{{#open}}never closed')).rejects.toBeInstanceOf(TemplateError);
    const updates = await session.render(toggled(data, 2));
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.some((u) => u.fragment_id === ROOT_ID)).toBe(false);
  });

  it('changes nothing for a template that compiles the same', async () => {
    const { st, session, data } = await start();
    const stream = session.updates();
    await st.setTemplate(TODO_TEMPLATE);
    const updates = await session.render(toggled(data, 2));
    expect(await take(stream, updates.length)).toEqual(updates);
    expect(updates.some((u) => u.fragment_id === ROOT_ID)).toBe(false);
  });

  it('moves topic sessions too: their pages get the whole page, then the topic diffs in the new template', async () => {
    const board = '<h1>{{user}}</h1><ul>{{#todos}}<li>{{text}}</li>{{/todos}}</ul>';
    const table = '<h2>{{user}}</h2><ol>{{#todos}}<li class="todo">{{text}}</li>{{/todos}}</ol>';
    const st = new StateTemplate(board, { signingKey: SIGNING_KEY });
    open.push(st);
    let todos = [{ id: 1, text: 'milk' }];
    await st.publish('board', { todos });
    const created = await st.newSession({ user: 'ann' }, { topic: 'board' });
    const session = await st.getSession(created.sessionId, created.token);
    const dom = page(created.html);
    const stream = session.updates();
    await st.setTemplate(table);
    const [replace] = await take(stream, 1);
    expect(replace).toMatchObject({ fragment_id: ROOT_ID });
    dom.apply([replace!]);
    expect(dom.html()).toBe(shown(table, { user: 'ann', todos }));
    // The session was rendered anew, so a check (the heartbeat's) finds nothing missed.
    expect(await session.updatesSince(stream.seq)).toEqual([]);
    await st.reconcile();
    todos = [...todos, { id: 2, text: 'eggs' }];
    await st.publish('board', { todos });
    const [shared] = await take(stream, 1);
    expect(shared!.fragment_id).not.toBe(ROOT_ID);
    dom.apply([shared!]);
    expect(dom.html()).toBe(shown(table, { user: 'ann', todos }));
    // The session's own render starts from the new template's page too.
    const own = await session.render({ user: 'bob' });
    dom.apply(own);
    expect(dom.html()).toBe(shown(table, { user: 'bob', todos }));
  });
});

describe('a template source that changes', () => {
  /** A template source whose changes the test announces. */
  function changing(initial: string) {
    const listeners = new Set<() => void>();
    let source = initial;
    const template: TemplateSource = {
      get source() {
        return source;
      },
      watch: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const change = (next: string) => {
      source = next;
      for (const listener of listeners) listener();
    };
    return { template, change, listeners };
  }

  it('reloads on a change: live pages get the new template', async () => {
    const { template, change } = changing(TODO_TEMPLATE);
    const { session, created, data } = await start({ watch: true }, template);
    const dom = page(created.html);
    const stream = session.updates();
    change(NEW_TEMPLATE);
    dom.apply(await take(stream, 1));
    expect(dom.html()).toBe(shown(NEW_TEMPLATE, data));
  });

  it('keeps the old template with a warning when the changed one does not compile', async () => {
    const { template, change } = changing(TODO_TEMPLATE);
    const { session, data } = await start({ watch: true }, template);
    const warned = new Promise<unknown>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error('no warning')), HANG_GUARD_MS);
      vi.spyOn(process, 'emitWarning').mockImplementation((warning) => {
        clearTimeout(guard);
        resolve(warning);
      });
    });
    change('{{#open}}never closed');
    expect(await warned).toBeInstanceOf(TemplateError);
    const updates = await session.render(toggled(data, 2));
    expect(updates.some((u) => u.fragment_id === ROOT_ID)).toBe(false);
  });

  it('is not watched with watch: false, and no longer once closed', async () => {
    const quiet = changing(TODO_TEMPLATE);
    await start({ watch: false }, quiet.template);
    expect(quiet.listeners.size).toBe(0);
    const watched = changing(TODO_TEMPLATE);
    const { st } = await start({ watch: true }, watched.template);
    expect(watched.listeners.size).toBe(1);
    await st.close();
    expect(watched.listeners.size).toBe(0);
  });

  it('refuses partials given twice, and a template that is neither a source string nor a template source', () => {
    expect(() => new StateTemplate({ source: 'x', partials: {} }, { signingKey: SIGNING_KEY, partials: {} })).toThrow(TypeError);
    expect(() => new StateTemplate({ text: 'x' } as unknown as TemplateSource, { signingKey: SIGNING_KEY })).toThrow(TypeError);
  });
});
