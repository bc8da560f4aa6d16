import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compile } from '@statetemplate/core';
import { loadTemplates } from '@statetemplate/core/files';
import type { StateTemplateOptions } from '@statetemplate/session';
import { page, start, type Harness, type Page } from './harness.js';
import { openPage } from './jsdom-page.js';

const PAGE = '<p>{{title}}</p>{{> parts/items}}';
const ITEMS = '<ul>{{#items}}<li>{{text}}</li>{{/items}}</ul>';
const NEW_ITEMS = '<ol class="reloaded">{{#items}}<li><em>{{text}}</em></li>{{/items}}</ol>';

let dir: string;
let h: Harness | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'statetemplate-reload-'));
  await mkdir(join(dir, 'parts'));
  await writeFile(join(dir, 'page.mustache'), PAGE);
  await writeFile(join(dir, 'parts', 'items.mustache'), ITEMS);
});

afterEach(async () => {
  await h?.close();
  h = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A server whose template is page.mustache, reloaded as its files change; the application's data by session in `app`. */
async function serve(options: StateTemplateOptions = {}) {
  const views = await loadTemplates(dir);
  const app = new Map<string, Page>();
  h = await start({}, { watch: true, load: (id) => app.get(id), ...options }, views.template('page'));
  return { app, harness: h };
}

/** The page `data` shows, parsed as a live page's root holds it. */
function shown(items: string, data: Page): string {
  const { window } = new JSDOM(`<div id="r">${compile(PAGE, { partials: { 'parts/items': items } }).render(data).html}</div>`);
  return window.document.getElementById('r')!.innerHTML;
}

describe('a template file changed while pages are live (development)', () => {
  it('shows the new template on the live page without a restart, rendered from load, and goes on updating it', async () => {
    const { app, harness } = await serve();
    const data = page('todo');
    const b = await openPage(harness, data);
    app.set(b.session.id, data);
    await b.signal.until(() => b.statuses.includes(true), 'online');
    await writeFile(join(dir, 'parts', 'items.mustache'), NEW_ITEMS);
    await b.signal.until(() => b.root.querySelector('ol.reloaded') !== null, 'the new template on the page');
    expect(b.root.innerHTML).toBe(shown(NEW_ITEMS, data));
    const next = page('todo, later', 5);
    app.set(b.session.id, next);
    await b.session.render(next);
    expect(await b.settled('the render after the reload')).toBe(true);
    expect(b.root.innerHTML).toBe(shown(NEW_ITEMS, next));
    expect(b.gone).toEqual([]);
    expect(b.errors).toEqual([]);
  });

  it('tells the live page to reload when there is no load', async () => {
    const { harness } = await serve({ load: undefined });
    const b = await openPage(harness, page('todo'));
    await b.signal.until(() => b.statuses.includes(true), 'online');
    await writeFile(join(dir, 'page.mustache'), `<h1>{{title}}</h1>${PAGE}`);
    await b.signal.until(() => b.gone.length > 0, 'the reload notice');
    expect(b.gone).toEqual(['reload']);
  });
});
