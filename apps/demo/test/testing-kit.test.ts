import { describe, expect, it } from 'vitest';
import { openPage, type BrowserKind, type LivePage } from '@statetemplate/testing';
import { needs } from '@statetemplate/test-utils';
import { chromium, useDemo } from './support/harness.js';
import { todoId } from './support/todos.js';

// The demo driven with @statetemplate/testing: the same tests in jsdom (no
// browser) and in Chromium. The list is shared by every visitor of the demo,
// so each test checks what its own actions changed.
const harness = useDemo();

const total = async (page: LivePage) => Number((await page.texts('#total'))[0]);

function demoTests(browser: BrowserKind) {
  const open = () => openPage(harness.url.href, { browser, chromium: harness.browser });

  it('adds a todo through the form, then ticks it off', async () => {
    const page = await open();
    try {
      const before = await total(page);
      const text = `milk (${browser})`;
      await page.fill('#new-todo', text);
      await page.submit('form.add');
      expect(await total(page)).toBe(before + 1);
      expect(await page.html('#todos')).toContain(`aria-label="Todo: ${text}"`);
      const id = todoId(harness.demo, text);
      await page.submit(`li.todo[data-id="${id}"] form`);
      expect(await page.texts(`li.todo[data-id="${id}"] span.text.done`)).toEqual([text]);
    } finally {
      await page.close();
    }
  });

  it("shows one visitor's change on another visitor's page", async () => {
    const [one, two] = [await open(), await open()];
    try {
      const before = await total(two);
      await one.fill('#new-todo', `eggs (${browser})`);
      await one.submit('form.add');
      await two.waitFor('#total', String(before + 1));
      expect(await two.html('#todos')).toContain(`aria-label="Todo: eggs (${browser})"`);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
}

describe('the demo with @statetemplate/testing, in jsdom', needs(chromium), () => demoTests('jsdom'));
describe('the demo with @statetemplate/testing, in Chromium', needs(chromium), () => demoTests('chromium'));
