import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { attach, type Attached } from '@statetemplate/server';
import { StateTemplate } from '@statetemplate/session';
import { launchChromium, needs } from '@statetemplate/test-utils';
import { chromium, WAIT_MS } from './support/harness.js';

const TEMPLATE = `<h1>{{room}}</h1><ol id="feed">{{#messages}}<li id="m{{id}}">{{text}}</li>{{/messages}}</ol>
<button id="post" data-st-click="post">post</button><button id="edit" data-st-click="edit">edit</button><button id="drop" data-st-click="drop">drop</button>`;

/**
 * A chat page whose messages are a stream, served by attach and patched by
 * the client bundle in Chromium: the server keeps no message, the page keeps
 * the last three.
 */
describe('a stream on a live page in Chromium', needs(chromium), () => {
  let server: Server;
  let live: Attached;
  let st: StateTemplate;
  let browser: Browser;
  let url: string;
  const posted = new Map<string, number>();
  const events = new Map<string, number>();

  beforeAll(async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: 'chromium streams test: a key of at least 32 bytes', streams: { messages: {} } });
    const bundle = await readFile(new URL('statetemplate.min.js', new URL('./', import.meta.resolve('@statetemplate/client'))));
    server = createServer(async (req, res) => {
      if (req.url === '/statetemplate.min.js') return res.end(bundle);
      const { html, sessionId, token } = await st.newSession({ room: 'Lobby', messages: [{ id: 0, text: 'welcome' }] });
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><div id="app">${html}</div><script src="/statetemplate.min.js"></script>
<script>StateTemplate.connect({ url: 'ws://' + location.host + '/statetemplate/ws', sessionId: ${JSON.stringify(sessionId)}, token: ${JSON.stringify(token)},
  root: document.getElementById('app'), onStatus: (online) => document.body.dataset.state = online ? "live" : "offline" });</script>`);
    });
    live = attach(server, {
      stateTemplate: st,
      async onEvent(session, name) {
        const stream = session.stream('messages');
        const count = posted.get(session.id) ?? 0;
        if (name === 'post') {
          posted.set(session.id, count + 1);
          await stream.insert({ id: count + 1, text: `message ${count + 1}` }, { limit: 3 });
        } else if (name === 'edit') await stream.insert({ id: count, text: `message ${count}, edited` });
        else if (name === 'drop') await stream.delete(count - 1);
        // Each event gets its own heading, so a test can wait for the render that follows it.
        const seen = (events.get(session.id) ?? 0) + 1;
        events.set(session.id, seen);
        // The rest of the page renders as usual; the stream's data in it is not read.
        await session.render({ room: `Lobby (${count}) #${seen}`, messages: [] });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
    await new Promise((resolve) => server?.close(resolve));
    await st?.close();
  });

  const feed = (page: Page) => page.$$eval('#feed li', (items) => items.map((li) => `${li.id}:${li.textContent}`));
  /** Clicks and waits until the page shows `heading`, which only the render after this event shows. */
  async function click(page: Page, button: string, heading: string): Promise<void> {
    await page.click(button);
    await page.locator('h1', { hasText: heading }).waitFor({ timeout: WAIT_MS });
  }

  it('inserts with a limit, updates in place and deletes by key, the page as the client patched it', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.locator('body[data-state="live"]').waitFor({ timeout: WAIT_MS });
    expect(await feed(page)).toEqual(['m0:welcome']);
    await click(page, '#post', 'Lobby (0) #1');
    await click(page, '#post', 'Lobby (1) #2');
    expect(await feed(page)).toEqual(['m0:welcome', 'm1:message 1', 'm2:message 2']);
    await click(page, '#post', 'Lobby (2) #3');
    await click(page, '#post', 'Lobby (3) #4');
    // The limit trimmed the oldest.
    expect(await feed(page)).toEqual(['m2:message 2', 'm3:message 3', 'm4:message 4']);
    await click(page, '#edit', 'Lobby (4) #5');
    expect(await feed(page)).toEqual(['m2:message 2', 'm3:message 3', 'm4:message 4, edited']);
    await click(page, '#drop', 'Lobby (4) #6');
    expect(await feed(page)).toEqual(['m2:message 2', 'm4:message 4, edited']);
    expect(errors).toEqual([]);
    await page.close();
  });
});
