import { afterEach, describe, expect, it } from 'vitest';
import { StateTemplate, type Session } from '@statetemplate/session';
import { chromiumAvailable, chromiumPath, needs, requireResource } from '@statetemplate/test-utils';
import { mount, type BrowserKind, type Mounted } from '../src/index.js';

const chromium = requireResource('chromium', chromiumAvailable(), 'install Debian chromium: apt-get install -y chromium');
const TEMPLATE = `<h1>{{title}}</h1>
<ul>{{#items}}<li>{{text}}</li>{{/items}}</ul>
<form data-st-submit="add"><input name="text"><button>Add</button></form>
<button id="clear" data-st-click="clear">Clear</button>`;

interface List {
  title: string;
  items: { id: number; text: string }[];
}

let mounted: Mounted | undefined;
let st: StateTemplate | undefined;
afterEach(async () => {
  await mounted?.close();
  await st?.close();
});

/** A todo list mounted with the kit; `lists` keeps each session's data, as an app would. */
async function mountList() {
  st = new StateTemplate(TEMPLATE, { signingKey: 'testing kit test signing key, 32+ bytes' });
  const lists = new Map<string, List>();
  const sessions: Session[] = [];
  const listOf = (session: Session) => lists.get(session.id) ?? { title: 'Todo', items: [] };
  mounted = await mount({
    stateTemplate: st,
    data: { title: 'Todo', items: [] },
    async onEvent(session, name, payload) {
      sessions.push(session);
      const list = listOf(session);
      const items = name === 'clear' ? [] : [...list.items, { id: list.items.length + 1, text: String((payload as { text?: string }).text) }];
      lists.set(session.id, { ...list, items });
      await session.render(lists.get(session.id));
    },
  });
  return { mounted, sessions };
}

const launch = { executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu'] };

function pageTests(browser: BrowserKind) {
  it('fills and submits a form, and sees the render its event caused', async () => {
    const { mounted } = await mountList();
    const page = await mounted.open({ browser, launch });
    await page.fill('input[name=text]', 'milk');
    await page.submit('form');
    expect(await page.texts('li')).toEqual(['milk']);
    await page.fill('input[name=text]', 'eggs');
    await page.submit('form');
    expect(await page.texts('li')).toEqual(['milk', 'eggs']);
    await page.click('#clear');
    expect(await page.texts('li')).toEqual([]);
  });

  it('records the updates the server sent, and waits for a render no event of its own caused', async () => {
    const { mounted, sessions } = await mountList();
    const page = await mounted.open({ browser, launch });
    await page.fill('input[name=text]', 'milk');
    await page.submit('form');
    const updates = (await page.messages()).filter((m) => m.type === 'updates');
    expect(updates.length).toBeGreaterThan(0);
    expect(JSON.stringify(updates)).toContain('milk');
    // A render from elsewhere (another page's event, a timer) through the handle the event came with.
    await sessions[0]!.render({ title: 'Shopping', items: [] });
    await page.waitFor('h1', 'Shopping');
    expect(await page.texts('li')).toEqual([]);
  });
}

describe('mount() in jsdom', () => pageTests('jsdom'));
describe('mount() in Chromium', needs(chromium), () => pageTests('chromium'));
