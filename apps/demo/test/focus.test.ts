import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import { chromium, expectFreshRender, newVisitorContext, openLivePage, useDemo, WAIT_MS } from './support/harness.js';
import { addTodo, todoId } from './support/todos.js';

describe('typing while updates arrive', needs(chromium), () => {
  const harness = useDemo();

  /** The focused element's id, value and selection in the page. */
  function focusOf(page: import('playwright-core').Page) {
    return page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement;
      return { id: el.id, value: el.value, start: el.selectionStart, end: el.selectionEnd };
    });
  }

  it('keeps focus, typed text and caret in a todo field while another visitor edits that very todo', async () => {
    const [contextA, contextB] = [await newVisitorContext(harness.browser), await newVisitorContext(harness.browser)];
    const a = await openLivePage(harness, contextA);
    const b = await openLivePage(harness, contextB);
    await addTodo(a.page, 'focus target');
    const id = todoId(harness.demo, 'focus target');

    const field = a.page.locator(`#edit-${id}`);
    await field.fill('my draft text');
    await field.evaluate((el: HTMLInputElement) => el.setSelectionRange(3, 3));

    // b renames the same todo: a's region holding the focused field is replaced.
    await b.page.fill(`#edit-${id}`, 'edited by b');
    await b.page.press(`#edit-${id}`, 'Enter');
    await a.page.locator(`#edit-${id}[aria-label="Todo: edited by b"]`).waitFor({ timeout: WAIT_MS });

    expect(await focusOf(a.page)).toEqual({ id: `edit-${id}`, value: 'my draft text', start: 3, end: 3 });
    // The caret is real: typing goes on where it was.
    await a.page.keyboard.type('X');
    expect(await focusOf(a.page)).toEqual({ id: `edit-${id}`, value: 'my Xdraft text', start: 4, end: 4 });
    await Promise.all([contextA.close(), contextB.close()]);
  });

  it("takes another visitor's edit once a field focused but unchanged loses the focus", async () => {
    const [contextA, contextB] = [await newVisitorContext(harness.browser), await newVisitorContext(harness.browser)];
    const a = await openLivePage(harness, contextA);
    const b = await openLivePage(harness, contextB);
    await addTodo(a.page, 'looked at, not typed in');
    const id = todoId(harness.demo, 'looked at, not typed in');
    await a.page.click(`#edit-${id}`);

    await b.page.fill(`#edit-${id}`, 'renamed by b');
    await b.page.press(`#edit-${id}`, 'Enter');
    await a.page.locator(`#edit-${id}[aria-label="Todo: renamed by b"]`).waitFor({ timeout: WAIT_MS });
    // While focused the field is the user's; once left, it shows the shared list again.
    await a.page.click('#new-todo');
    expect(await a.page.inputValue(`#edit-${id}`)).toBe('renamed by b');
    await expectFreshRender(harness, a);
    await Promise.all([contextA.close(), contextB.close()]);
  });

  it('keeps a half-typed new todo while the clock and the shared list change around it', async () => {
    const [contextA, contextB] = [await newVisitorContext(harness.browser), await newVisitorContext(harness.browser)];
    const a = await openLivePage(harness, contextA);
    const b = await openLivePage(harness, contextB);
    await a.page.click('#new-todo');
    await a.page.keyboard.type('half-typ');
    const seconds = await a.page.textContent('#seconds');

    await harness.demo.tick();
    await addTodo(b.page, 'added while a types');
    await a.page.locator('#seconds', { hasText: String(Number(seconds) + 1) }).waitFor({ timeout: WAIT_MS });
    await a.page.locator('li.todo input[aria-label="Todo: added while a types"]').waitFor({ timeout: WAIT_MS });

    await a.page.keyboard.type('ed');
    expect(await focusOf(a.page)).toEqual({ id: 'new-todo', value: 'half-typed', start: 10, end: 10 });
    await Promise.all([contextA.close(), contextB.close()]);
  });
});
