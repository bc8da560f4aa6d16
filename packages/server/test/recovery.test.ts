import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '@statetemplate/protocol';
import type { AttachOptions } from '../src/index.js';
import { start, type Harness } from './harness.js';
import { openPage } from './jsdom-page.js';

let h: Harness;
afterEach(() => h?.close());

const FORMS =
  '<p>{{note}}</p>' +
  '<form id="profile" data-st-submit="rename"><input name="name" value="{{name}}"><input type="checkbox" name="public"></form>' +
  '<form id="draft" data-st-submit="send" data-st-recover="draft"><textarea name="body">{{body}}</textarea></form>' +
  '<form id="search" data-st-submit="search" data-st-recover=""><input name="q"></form>';

/** A page of FORMS whose user typed in every form; `events` records what reached onEvent. */
async function typedPage(options: Partial<AttachOptions> = {}) {
  const sockets: Socket[] = [];
  const events: [string, JsonValue][] = [];
  h = await start(
    { onConnect: (_, ctx) => void sockets.push(ctx.request.socket), onEvent: (_, name, payload) => void events.push([name, payload]), ...options },
    {},
    FORMS,
  );
  const b = await openPage(h, { note: 'v0', name: 'Ada', body: '' });
  await b.signal.until(() => b.statuses.includes(true), 'online');
  const doc = b.window.document;
  doc.querySelector<HTMLInputElement>('[name=name]')!.value = 'Ada Lovelace';
  doc.querySelector<HTMLInputElement>('[name=public]')!.checked = true;
  doc.querySelector<HTMLTextAreaElement>('textarea')!.value = 'half a message';
  doc.querySelector<HTMLInputElement>('[name=q]')!.value = 'engines';
  return { ...b, sockets, events, doc };
}

describe('form recovery (jsdom against a real server)', () => {
  it('re-sends the forms the user changed after a reconnect: data-st-recover, else the submit event', async () => {
    const b = await typedPage();
    b.sockets[0]!.destroy();
    await b.signal.until(() => b.events.length === 2, 'the recovered forms');
    expect(b.events).toEqual([
      ['rename', { name: 'Ada Lovelace', public: 'on' }],
      ['draft', { body: 'half a message' }],
    ]);
    expect(b.doc.querySelector<HTMLInputElement>('[name=q]')!.value).toBe('engines');
  });

  it('keeps what was typed through a resync of the whole page, and re-sends it', async () => {
    const b = await typedPage({ maxFrameBytes: 1024 });
    // An update too big for a frame: the page resyncs on the same connection.
    await b.session.render({ note: 'x'.repeat(2_000), name: 'Ada', body: '' });
    await b.signal.until(() => b.events.length === 2, 'the recovered forms');
    expect(b.doc.querySelector('p')!.textContent).toBe('x'.repeat(2_000));
    expect(b.doc.querySelector<HTMLInputElement>('[name=name]')!.value).toBe('Ada Lovelace');
    expect(b.doc.querySelector<HTMLInputElement>('[name=public]')!.checked).toBe(true);
    expect(b.doc.querySelector<HTMLTextAreaElement>('textarea')!.value).toBe('half a message');
    expect(b.doc.querySelector<HTMLInputElement>('[name=q]')!.value).toBe('engines');
    expect(b.events.map(([name]) => name)).toEqual(['rename', 'draft']);
  });

  it('lets the server\'s new value win over what was typed', async () => {
    const b = await typedPage({ maxFrameBytes: 1024 });
    await b.session.render({ note: 'x'.repeat(2_000), name: 'Grace', body: '' });
    await b.signal.until(() => b.doc.querySelector('p')!.textContent!.length === 2_000, 'the resync');
    expect(b.doc.querySelector<HTMLInputElement>('[name=name]')!.value).toBe('Grace');
  });
});
