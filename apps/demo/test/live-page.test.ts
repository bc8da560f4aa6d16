import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { Demo } from '../src/app.js';
import { expectFreshRender, chromium, newVisitorContext, openLivePage, useDemo, WAIT_MS } from './support/harness.js';
import { addTodo, todoId } from './support/todos.js';

describe('a page in Chromium: server-rendered, then live', needs(chromium), () => {
  const harness = useDemo();

  it('renders the whole app on the server, usable with JavaScript disabled', async () => {
    const context = await newVisitorContext(harness.browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(harness.url.href);
    await expect(page.locator('#app h1').textContent()).resolves.toBe('Shared todos');
    expect(await page.locator('#connection').textContent()).toBe('server-rendered');

    // Forms post to /do/NAME and come back to the page.
    await page.fill('#new-todo', 'posted without JavaScript');
    await Promise.all([page.waitForURL(harness.url.href), page.press('#new-todo', 'Enter')]);
    const id = todoId(harness.demo, 'posted without JavaScript');
    await page.click(`li[data-id="${id}"] button.toggle`);
    await expect(page.locator(`li[data-id="${id}"]`).getAttribute('class')).resolves.toBe('todo done');
    await page.fill('#name', 'Nojs');
    await page.press('#name', 'Enter');
    await expect(page.locator('strong.visitor').textContent()).resolves.toBe('Nojs');
    await context.close();
  });

  it('patches the page after a click, and the page equals a fresh render', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    const item = await addTodo(live.page, 'click me');
    await item.locator('button.toggle').click();
    await live.page.locator(`li.todo.done[data-id="${todoId(harness.demo, 'click me')}"]`).waitFor({ timeout: WAIT_MS });
    // Live means patched in place: the page was never reloaded.
    expect(await live.page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await expectFreshRender(harness, live);
    await context.close();
  });

  it('changes the filter with the URL, without a reload: tabs, back and forward', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    await addTodo(live.page, 'navigated past');
    const selected = (label: string) => live.page.locator('a.filter.selected', { hasText: label }).waitFor({ timeout: WAIT_MS });
    await live.page.click('a.filter[href="/?filter=done"]');
    await selected('Done');
    expect(new URL(live.page.url()).search).toBe('?filter=done');
    await live.page.click('a.filter[href="/?filter=active"]');
    await selected('Active');
    await live.page.goBack();
    await selected('Done');
    expect(new URL(live.page.url()).search).toBe('?filter=done');
    await live.page.goBack();
    await selected('All');
    await live.page.goForward();
    await selected('Done');
    // One document all along: every change was a patch.
    expect(await live.page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    expect(await live.page.evaluate(() => document.querySelectorAll('.st-loading').length)).toBe(0);
    await expectFreshRender(harness, live);
    await context.close();
  });

  it('patches the page when the server pushes (a clock tick)', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    const before = Number(await live.page.textContent('#seconds'));
    await harness.demo.tick();
    await live.page.locator('#seconds', { hasText: String(before + 1) }).waitFor({ timeout: WAIT_MS });
    await expectFreshRender(harness, live);
    await context.close();
  });

  it('feeds a hook with server events, in a widget the re-renders around it keep', async () => {
    const context = await newVisitorContext(harness.browser);
    const live = await openLivePage(harness, context);
    await live.page.evaluate(() => {
      (window as unknown as { chart: Element }).chart = document.getElementById('activity')!;
    });
    for (let i = 1; i <= 3; i++) {
      await harness.demo.tick();
      await live.page.waitForFunction((n) => document.getElementById('activity')!.textContent!.length === n, i, { timeout: WAIT_MS });
    }
    // The same element all along, though the stats around it were re-rendered at every tick.
    expect(await live.page.evaluate(() => (window as unknown as { chart: Element }).chart === document.getElementById('activity'))).toBe(true);
    await expectFreshRender(harness, live);
    await context.close();
  });

  it('pushes the clock every second by itself', async () => {
    const ticking = await Demo.start();
    try {
      const url = await ticking.listen(0);
      const context = await newVisitorContext(harness.browser);
      const live = await openLivePage({ ...harness, demo: ticking, url }, context);
      await live.page.waitForFunction(() => Number(document.getElementById('seconds')!.textContent) >= 2, null, { timeout: WAIT_MS });
      await context.close();
    } finally {
      await ticking.close();
    }
  });
});
