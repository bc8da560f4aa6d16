import type { Socket } from 'node:net';
import { JSDOM } from 'jsdom';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectOptions } from '@statetemplate/client';
import type { JsonValue } from '@statetemplate/protocol';
import { page, start, within, type Harness, type Page } from './harness.js';
import { openPage, Signal } from './jsdom-page.js';

let h: Harness;
afterEach(() => h?.close());

/** Starts the harness recording each connection's socket (to cut it) and each event received. */
async function startWatched(template?: string) {
  const sockets: Socket[] = [];
  const events: [string, JsonValue][] = [];
  const signal = new Signal();
  h = await start(
    {
      onConnect: (_, ctx) => void sockets.push(ctx.request.socket),
      onEvent: (_, name, payload) => {
        events.push([name, payload]);
        signal.notify();
      },
    },
    {},
    template,
  );
  return { sockets, events, received: (n: number) => signal.until(() => events.length >= n, `${n} events`) };
}

/** A jsdom page of the harness's origin holding a new session's render, connected with the client. */
const browser = (data: Page | Record<string, unknown>, options: Partial<ConnectOptions> = {}) => openPage(h, data, options);

describe('connect() against a real server (jsdom)', () => {
  it('authenticates, applies live updates in order and tracks the sequence number', async () => {
    h = await start();
    const b = await browser(page('v0'));
    await b.signal.until(() => b.statuses.includes(true), 'online');
    for (let i = 1; i <= 5; i++) await b.session.render(page(`v${i}`, i));
    expect(await b.settled('the last render')).toBe(true);
    expect(b.root.querySelector('p')!.textContent).toBe('v5');
  });

  it('reconnects after the server cuts the socket mid-stream and ends equal to a fresh render', async () => {
    const { sockets } = await startWatched();
    const b = await browser(page('v0'));
    await b.signal.until(() => sockets.length === 1, 'the first connection');
    for (let i = 1; i <= 20; i++) {
      await b.session.render(page(`v${i}`, i % 7));
      if (i === 5) sockets[0]!.destroy();
    }
    expect(await b.settled('the renders made while offline')).toBe(true);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    expect(b.statuses).toEqual([true, false, true]);
    expect(b.errors).toEqual([]);
  });

  it('tells the page when its session is gone, and stops', async () => {
    h = await start();
    const b = await browser(page('v0'));
    await b.signal.until(() => b.statuses.includes(true), 'online');
    await b.session.invalidate();
    await b.signal.until(() => b.gone.length > 0, 'the gone notice');
    expect(b.gone).toEqual(['closed']);
    await expect.poll(() => h.attached.connections).toBe(0);
  });

  it('tells the page at once when its token is refused', async () => {
    h = await start();
    const b = await browser(page('v0'), { token: 'forged' });
    await b.signal.until(() => b.gone.length > 0, 'the gone notice');
    expect(b.gone).toEqual(['invalid_token']);
    expect(b.statuses).toEqual([]);
  });

  it('acknowledges each event after the updates of its render: loading state, disable-with, and errors reported', async () => {
    let release!: () => void;
    let reached!: () => void;
    const inHandler = new Promise<void>((resolve) => (reached = resolve));
    h = await start({
      eventsPerSecond: 1000,
      onEvent: async (session, name) => {
        if (name === 'slow') {
          reached();
          await new Promise<void>((resolve) => (release = resolve));
        }
        if (name === 'broken') throw new Error('handler bug');
        await session.render(page(`after ${name}`));
      },
      onError: () => undefined,
    });
    const eventErrors: string[] = [];
    const b = await browser(page('v0'), { onEventError: (error) => void eventErrors.push(`${error.name}:${error.code}`) });
    await b.signal.until(() => b.statuses.includes(true), 'online');
    const doc = b.root.ownerDocument;
    b.root.insertAdjacentHTML(
      'beforeend',
      '<form id="f"><button id="save" data-st-click="slow" data-st-disable-with="Saving…">Save</button></form><button id="bad" data-st-click="broken">x</button>',
    );
    const save = doc.getElementById('save') as HTMLButtonElement;
    save.click();
    // Working: the button and its form show it until the ack.
    expect([save.classList.contains('st-loading'), doc.getElementById('f')!.classList.contains('st-loading'), save.textContent, save.disabled]).toEqual([
      true,
      true,
      'Saving…',
      true,
    ]);
    await within(inHandler, 'the slow handler');
    release();
    await b.signal.until(() => !save.classList.contains('st-loading'), 'the ack');
    expect([save.textContent, save.disabled, doc.getElementById('f')!.classList.contains('st-loading')]).toEqual(['Save', false, false]);
    // The ack came after the render's updates: the page already shows them.
    expect(b.root.querySelector('p')!.textContent).toBe('after slow');
    const bad = doc.getElementById('bad')!;
    bad.click();
    await b.signal.until(() => eventErrors.length > 0, 'the failure');
    expect(eventErrors).toEqual(['broken:event_failed']);
    expect(bad.classList.contains('st-loading')).toBe(false);
  });

  it('joins a resync sent in parts (an update bigger than maxFrameBytes) into the page', async () => {
    h = await start({ maxFrameBytes: 4096 });
    const b = await browser(page('v0'));
    await b.signal.until(() => b.statuses.includes(true), 'online');
    await b.session.render(page(`big ${'é'.repeat(20_000)}`));
    expect(await b.settled('the big render')).toBe(true);
    await b.session.render(page('small again'));
    expect(await b.settled('the next render')).toBe(true);
    expect(b.errors).toEqual([]);
  });

  it('reports a refused origin and stops: retrying cannot help', async () => {
    h = await start({ allowedOrigins: ['https://elsewhere.example'], onError: () => undefined });
    const { window } = new JSDOM('', { url: `${h.origin}/` });
    const sockets: WebSocket[] = [];
    const closed = new Signal();
    // Counts the attempts; its close listener runs before the client's own.
    class Counting extends window.WebSocket {
      constructor(url: string) {
        super(url);
        sockets.push(this);
        this.addEventListener('close', closed.notify);
      }
    }
    // No backoff: a retry would be a zero-delay timer set at the close, so it runs before one set after it.
    const b = await browser(page('v0'), { WebSocket: Counting as unknown as typeof WebSocket, minDelay: 0, maxDelay: 0 });
    await closed.until(() => sockets[0]!.readyState === window.WebSocket.CLOSED, 'the close');
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(b.errors).toEqual(['origin_refused']);
    expect(b.statuses).toEqual([]);
    expect(sockets).toHaveLength(1);
  });

  it('resyncs the whole page when an update does not apply to what the page shows', async () => {
    h = await start();
    const b = await browser(page('v0'));
    await b.signal.until(() => b.statuses.includes(true), 'online');
    // Someone else's script broke the page: the region markers are gone.
    b.root.innerHTML = b.root.innerHTML.replace(/<!--[[\]][^>]*-->/g, '');
    await b.session.render(page('v1'));
    expect(await b.settled('the resync')).toBe(true);
    expect(b.errors).toEqual(['not_found']);
  });

  it('asks for the whole page after a frame it cannot read, since that frame may have carried updates', async () => {
    h = await start();
    const hellos: string[] = [];
    let garbled = false;
    // The page's own WebSocket, with one unreadable frame slipped in after the first ready.
    const { window } = new JSDOM('', { url: `${h.origin}/` });
    class Garbling extends window.WebSocket {
      override send(data: string): void {
        if (data.includes('"hello"')) hellos.push(data);
        super.send(data);
      }
      override set onmessage(handler: ((event: MessageEvent) => void) | null) {
        super.onmessage = handler && ((event: MessageEvent) => {
          handler(event);
          if (!garbled && String(event.data).includes('"ready"')) {
            garbled = true;
            handler(new window.MessageEvent('message', { data: '[1,"not a batch"' }) as MessageEvent);
          }
        });
      }
    }
    const b = await browser(page('v0'), { WebSocket: Garbling as unknown as typeof WebSocket });
    await b.session.render(page('v1'));
    expect(await b.settled('the resync after the unreadable frame')).toBe(true);
    expect(b.errors).toEqual(['malformed']);
    expect(hellos.map((hello) => JSON.parse(hello).last)).toEqual([0, -1]);
  });

  it('sends events from send(), click, submit and change bindings, with their payloads', async () => {
    const template =
      '<button data-st-click="toggle" data-st-value-todo-id="{{id}}">t</button>' +
      '<form data-st-submit="add" data-st-reset><input name="text" value="milk"><input name="tag" value="shop"></form>' +
      '<input type="checkbox" data-st-change="done" data-st-value-id="{{id}}">';
    const { events, received } = await startWatched(template);
    const b = await browser({ id: 7 });
    const doc = b.window.document;
    b.connection.send('hello', { at: 1 });
    doc.querySelector('button')!.click();
    const form = doc.querySelector('form')!;
    form.requestSubmit();
    const box = doc.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    box.click();
    await received(4);
    expect(events).toEqual([
      ['hello', { at: 1 }],
      ['toggle', { todoId: '7' }],
      ['add', { text: 'milk', tag: 'shop' }],
      ['done', { value: true, id: '7' }],
    ]);
    expect(doc.querySelector<HTMLInputElement>('input[name=text]')!.value).toBe('milk');
  });

  it('holds events sent while offline and delivers them once reconnected', async () => {
    const { sockets, events, received } = await startWatched();
    const b = await browser(page('v0'));
    await b.signal.until(() => b.statuses.includes(true), 'online');
    sockets[0]!.destroy();
    await b.signal.until(() => b.statuses.includes(false), 'offline');
    b.connection.send('while offline');
    await received(1);
    expect(events).toEqual([['while offline', null]]);
  });

  it('works over the SSE fallback: updates, events and reconnect with replay', async () => {
    const { sockets, events, received } = await startWatched();
    const b = await browser(page('v0'), { transport: 'sse', url: `${h.origin}/statetemplate/sse`, fetch });
    await b.signal.until(() => b.statuses.includes(true), 'online');
    b.connection.send('over sse');
    await received(1);
    expect(events).toEqual([['over sse', null]]);
    for (let i = 1; i <= 10; i++) {
      await b.session.render(page(`v${i}`, i % 4));
      if (i === 3) sockets[0]!.destroy();
    }
    expect(await b.settled('the renders over SSE')).toBe(true);
    expect(b.statuses.filter((online) => online).length).toBeGreaterThanOrEqual(2);
  });
});
