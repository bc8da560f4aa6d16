import type { Socket } from 'node:net';
import { VirtualConsole } from 'jsdom';
import { afterEach, describe, expect, it } from 'vitest';
import type { HookContext } from '@statetemplate/client';
import type { JsonValue } from '@statetemplate/protocol';
import type { AttachOptions } from '../src/index.js';
import { page, start, type Harness } from './harness.js';
import { openPage, Signal } from './jsdom-page.js';

let h: Harness;
afterEach(() => h?.close());

const TABS = '<nav><a id="all" href="/todos" data-st-patch>All</a><a id="done" href="/todos?filter=done" data-st-patch>Done</a><a id="swap" href="/todos?filter=open" data-st-patch="replace">Open</a></nav><p>{{filter}}</p><div id="chart" data-st-hook="Chart" data-st-ignore></div>';

/** A harness serving the TABS page; onNavigate renders the URL's filter unless `options` say otherwise. */
async function tabs(options: Partial<AttachOptions> = {}, path = '/todos') {
  const navigations: string[] = [];
  h = await start(
    {
      onNavigate: async (session, url) => {
        navigations.push(url.pathname + url.search);
        await session.render({ filter: url.searchParams.get('filter') ?? 'all' });
      },
      ...options,
    },
    {},
    TABS,
  );
  const calls: string[] = [];
  const b = await openPage(
    h,
    { filter: 'all' },
    {
      hooks: {
        Chart: {
          mounted(this: HookContext) {
            calls.push('mounted');
            this.handleEvent('drawn', (payload) => calls.push(`drawn ${JSON.stringify(payload)} over ${this.el.ownerDocument.querySelector('p')!.textContent}`));
          },
          disconnected: () => void calls.push('disconnected'),
          reconnected: () => void calls.push('reconnected'),
        },
      },
    },
    { path },
  );
  await b.signal.until(() => b.statuses.includes(true), 'online');
  b.window.addEventListener('popstate', b.signal.notify);
  const click = (id: string) => b.window.document.getElementById(id)!.dispatchEvent(new b.window.MouseEvent('click', { bubbles: true, cancelable: true, button: 0 }));
  const shown = (filter: string) => b.signal.until(() => b.root.querySelector('p')!.textContent === filter, `the ${filter} tab`);
  return { ...b, navigations, calls, click, shown };
}

describe('server-to-client events (jsdom against a real server)', () => {
  it('reach hooks and window listeners after the updates rendered before them', async () => {
    const b = await tabs({
      onEvent: async (session, _, payload) => {
        await session.render({ filter: String(payload) });
        await session.pushEvent('drawn', { points: [1, 2] });
      },
    });
    const seen: string[] = [];
    b.window.addEventListener('st:drawn', (event) => seen.push(`window ${JSON.stringify((event as CustomEvent).detail)} over ${b.root.querySelector('p')!.textContent}`));
    b.connection.send('filter', 'done');
    await b.signal.until(() => seen.length === 1, 'the pushed event');
    expect(b.calls).toEqual(['mounted', 'drawn {"points":[1,2]} over done']);
    expect(seen).toEqual(['window {"points":[1,2]} over done']);
  });

  it('let a hook push events to onEvent', async () => {
    const events: [string, JsonValue][] = [];
    h = await start({ onEvent: (_, name, payload) => void events.push([name, payload]) }, {}, '<div data-st-hook="Ping"></div>');
    const b = await openPage(h, {}, { hooks: { Ping: { mounted(this: HookContext) { this.pushEvent('hello', { from: 'hook' }); } } } });
    await b.signal.until(() => events.length === 1, 'the hook\'s event');
    expect(events).toEqual([['hello', { from: 'hook' }]]);
  });

  it('go to their own handler in `events`, and any other name to onEvent', async () => {
    const heard: string[] = [];
    const signal = new Signal();
    const hear = (what: string) => {
      heard.push(what);
      signal.notify();
    };
    h = await start(
      {
        events: { hello: (_, payload) => hear(`hello ${JSON.stringify(payload)}`) },
        onEvent: (_, name) => hear(`onEvent ${name}`),
      },
      {},
      '<p></p>',
    );
    const b = await openPage(h, {});
    await b.signal.until(() => b.statuses.includes(true), 'online');
    // Inherited names are not handlers: a page must not call Object.prototype's members.
    for (const name of ['hello', 'constructor', '__proto__', 'toString', 'bye']) b.connection.send(name, { n: 1 });
    await signal.until(() => heard.length === 5, 'the five events');
    expect(heard).toEqual(['hello {"n":1}', 'onEvent constructor', 'onEvent __proto__', 'onEvent toString', 'onEvent bye']);
  });

  it('tell hooks when the connection drops and comes back', async () => {
    const sockets: Socket[] = [];
    const b = await tabs({ onConnect: (_, ctx) => void sockets.push(ctx.request.socket) });
    sockets[0]!.destroy();
    await b.signal.until(() => b.statuses.length === 3, 'the reconnect');
    expect(b.calls).toEqual(['mounted', 'disconnected', 'reconnected']);
  });
});

describe('live navigation (jsdom against a real server)', () => {
  it('follows data-st-patch links without a reload: pushState, onNavigate renders, the link loads until acknowledged', async () => {
    const b = await tabs();
    const before = b.window.history.length;
    b.click('done');
    expect(b.window.location.pathname + b.window.location.search).toBe('/todos?filter=done');
    expect(b.window.document.getElementById('done')!.classList.contains('st-loading')).toBe(true);
    await b.shown('done');
    await b.signal.until(() => !b.window.document.getElementById('done')!.classList.contains('st-loading'), 'the ack');
    expect(b.window.history.length).toBe(before + 1);
    expect(b.navigations).toEqual(['/todos?filter=done']);
    b.click('swap');
    await b.shown('open');
    await b.signal.until(() => !b.window.document.getElementById('swap')!.classList.contains('st-loading'), 'the second ack');
    expect(b.window.history.length).toBe(before + 1);
    expect(await b.settled('the last render')).toBe(true);
  });

  it('sends back and forward to onNavigate, but not a change of hash alone', async () => {
    const b = await tabs();
    b.click('done');
    await b.shown('done');
    b.window.location.hash = '#top';
    b.window.history.back();
    await b.signal.until(() => b.window.location.hash === '', 'back to before the hash');
    b.window.history.back();
    await b.shown('all');
    b.window.history.forward();
    await b.shown('done');
    expect(b.navigations).toEqual(['/todos?filter=done', '/todos', '/todos?filter=done']);
  });

  it('leaves modified clicks and other origins to the browser', async () => {
    const b = await tabs();
    const done = b.window.document.getElementById('done')!;
    const event = new b.window.MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    done.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(false);
    done.setAttribute('href', 'https://elsewhere.test/todos');
    const plain = new b.window.MouseEvent('click', { bubbles: true, cancelable: true });
    done.dispatchEvent(plain);
    expect(plain.defaultPrevented).toBe(false);
    expect(b.navigations).toEqual([]);
  });

  it('moves every live page of the session with session.navigate', async () => {
    const b = await tabs();
    const before = b.window.history.length;
    await b.session.navigate('/todos?filter=done');
    await b.signal.until(() => b.window.location.search === '?filter=done', 'the pushed URL');
    await b.session.navigate('/todos?filter=open', { replace: true });
    await b.signal.until(() => b.window.location.search === '?filter=open', 'the replaced URL');
    expect(b.window.history.length).toBe(before + 1);
    // Back goes to the entry before the server's navigation, and onNavigate renders it.
    b.window.history.back();
    await b.signal.until(() => b.navigations.length === 1, 'the navigation back');
    expect(b.navigations).toEqual(['/todos']);
  });

  it('loads the page with session.redirect, and sends a page to its URL when the server has no onNavigate', async () => {
    const loads: string[] = [];
    const redirects: string[] = [];
    const virtualConsole = new VirtualConsole();
    virtualConsole.on('jsdomError', (error) => loads.push(error.message));
    h = await start({}, {}, TABS);
    const b = await openPage(h, { filter: 'all' }, { onMessage: (m) => m.type === 'redirect' && redirects.push(m.url) }, { path: '/todos', virtualConsole });
    // jsdom loads no pages: it reports each load asked for, a task later.
    virtualConsole.on('jsdomError', () => b.signal.notify());
    await b.signal.until(() => b.statuses.includes(true), 'online');
    b.window.document.getElementById('done')!.dispatchEvent(new b.window.MouseEvent('click', { bubbles: true, cancelable: true }));
    await b.signal.until(() => redirects.length === 1, 'the redirect to the URL');
    expect(redirects).toEqual(['/todos?filter=done']);
    await expect(b.session.redirect('javascript:alert(1)')).rejects.toThrow(TypeError);
    await b.session.redirect('/login');
    await b.signal.until(() => loads.length === 1, 'the load of /login');
    expect(loads[0]).toMatch(/navigation to another Document/);
  });
});
