import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import type { Page } from 'playwright-core';
import { expectFreshRender, chromium, newVisitorContext, openLivePage, useDemo, WAIT_MS, type LivePage } from './support/harness.js';
import { activeTodo, addTodo, showsOrder, shownIds, todoId } from './support/todos.js';

describe('two visitors in separate browser contexts', needs(chromium), () => {
  const harness = useDemo();

  async function twoVisitors(): Promise<[LivePage, LivePage, () => Promise<void>]> {
    const contexts = [await newVisitorContext(harness.browser), await newVisitorContext(harness.browser)];
    const a = await openLivePage(harness, contexts[0]!);
    const b = await openLivePage(harness, contexts[1]!);
    return [a, b, async () => void (await Promise.all(contexts.map((c) => c.close())))];
  }

  /** The labels the page's "viewing now" line shows. */
  function viewers(page: Page): Promise<string[]> {
    return page.$$eval('#viewers .viewer', (spans) => spans.map((span) => span.textContent!).sort());
  }

  it('shows both who is viewing, and drops a visitor whose page closed', async () => {
    const [a, b, close] = await twoVisitors();
    await expect.poll(() => viewers(a.page), { timeout: WAIT_MS }).toHaveLength(2);
    await expect.poll(() => viewers(b.page), { timeout: WAIT_MS }).toEqual(await viewers(a.page));
    // Labels are public handles: the visitors' own names stay theirs.
    const names = await Promise.all([a, b].map((v) => v.page.textContent('strong.visitor')));
    for (const label of await viewers(a.page)) expect(names).not.toContain(label);
    await expectFreshRender(harness, a);
    const before = await viewers(a.page);
    await b.page.close();
    await expect.poll(() => viewers(a.page), { timeout: WAIT_MS }).toHaveLength(1);
    expect(before).toEqual(expect.arrayContaining(await viewers(a.page)));
    await expectFreshRender(harness, a);
    await close();
  });

  it('shows every change to the shared list to both: add, toggle, edit, reorder, delete', async () => {
    const [a, b, close] = await twoVisitors();
    await addTodo(a.page, 'shared one');
    await addTodo(a.page, 'shared two');
    await activeTodo(b.page, 'shared two').waitFor({ timeout: WAIT_MS });
    const one = todoId(harness.demo, 'shared one');
    const two = todoId(harness.demo, 'shared two');

    await b.page.click(`li[data-id="${one}"] button.toggle`);
    await a.page.locator(`li.todo.done[data-id="${one}"]`).waitFor({ timeout: WAIT_MS });

    await a.page.fill(`#edit-${two}`, 'shared two, edited');
    await a.page.press(`#edit-${two}`, 'Enter');
    await activeTodo(b.page, 'shared two, edited').waitFor({ timeout: WAIT_MS });

    await b.page.click(`li[data-id="${two}"] button.up`);
    await showsOrder(harness.demo, a.page, [two, one]);
    await showsOrder(harness.demo, b.page, [two, one]);
    const ids = await shownIds(a.page);
    expect(ids.indexOf(two)).toBe(ids.indexOf(one) - 1);

    await a.page.click(`li[data-id="${one}"] button.remove`);
    await b.page.locator(`li[data-id="${one}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
    await expectFreshRender(harness, a);
    await expectFreshRender(harness, b);
    await close();
  });

  it("never shows one visitor's own state (name, filter, clock, traffic) to the other", async () => {
    const [a, b, close] = await twoVisitors();
    await a.page.fill('#name', 'Alice-private');
    await a.page.press('#name', 'Enter');
    await a.page.locator('strong.visitor', { hasText: 'Alice-private' }).waitFor({ timeout: WAIT_MS });
    await b.page.fill('#name', 'Bob-private');
    await b.page.press('#name', 'Enter');
    await b.page.locator('strong.visitor', { hasText: 'Bob-private' }).waitFor({ timeout: WAIT_MS });

    await addTodo(a.page, 'filtered away for a');
    await a.page.click('a.filter[href="/?filter=done"]');
    await a.page.locator('a.filter.selected', { hasText: 'Done' }).waitFor({ timeout: WAIT_MS });
    await activeTodo(a.page, 'filtered away for a').waitFor({ state: 'detached', timeout: WAIT_MS });

    for (let i = 0; i < 3; i++) await harness.demo.tick();
    await expectFreshRender(harness, a);
    await expectFreshRender(harness, b);

    const aText = await a.page.textContent('body');
    const bText = await b.page.textContent('body');
    expect(aText).toContain('Alice-private');
    expect(aText).not.toContain('Bob-private');
    expect(bText).toContain('Bob-private');
    expect(bText).not.toContain('Alice-private');
    expect(await b.page.locator('a.filter.selected').textContent()).toBe('All');
    await expect(activeTodo(b.page, 'filtered away for a').count()).resolves.toBe(1);
    expect((await harness.demo.visitors.load(a.sessionId))?.name).toBe('Alice-private');
    expect((await harness.demo.visitors.load(b.sessionId))?.name).toBe('Bob-private');
    // Not even on the wire: nothing b's socket received carries a's name.
    expect(b.frames.join('\n')).not.toContain('Alice-private');
    expect(a.frames.join('\n')).not.toContain('Bob-private');
    await close();
  });
});
