import { describe, expect, it } from 'vitest';
import { needs } from '@statetemplate/test-utils';
import type { Page } from 'playwright-core';
import { expectFreshRender, chromium, newVisitorContext, openLivePage, useDemo, WAIT_MS } from './support/harness.js';
import { activeTodo, addTodo, todoId } from './support/todos.js';

const PAYLOADS = ['<img src=x onerror=alert(1)>', '"><img src=x onerror=alert(2)>', '</li><script>alert(3)</script>'];
const NAME_PAYLOAD = '<b onmouseover=alert(4)>';

describe('markup typed by a visitor', needs(chromium), () => {
  const harness = useDemo();

  /** No element the payloads would create exists in the app. */
  async function expectNoInjectedElements(page: Page): Promise<void> {
    expect(await page.locator('#app img, #app script, #app b').count()).toBe(0);
  }

  it('shows as text for every visitor, in text and attribute contexts, and never runs', async () => {
    // CSP off, so only escaping stands between a payload and a dialog.
    const contexts = [await newVisitorContext(harness.browser, { bypassCSP: true }), await newVisitorContext(harness.browser, { bypassCSP: true })];
    const [a, b] = [await openLivePage(harness, contexts[0]!), await openLivePage(harness, contexts[1]!)];
    const dialogs: string[] = [];
    for (const live of [a, b]) live.page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));

    for (const payload of PAYLOADS) await addTodo(a.page, payload);
    await a.page.fill('#name', NAME_PAYLOAD);
    await a.page.press('#name', 'Enter');
    await a.page.locator('strong.visitor', { hasText: NAME_PAYLOAD }).waitFor({ timeout: WAIT_MS });

    // Attribute context (the field's value and aria-label) for the other visitor.
    for (const payload of PAYLOADS) {
      const field = activeTodo(b.page, payload).locator('input.text');
      await field.waitFor({ timeout: WAIT_MS });
      expect(await field.inputValue()).toBe(payload);
    }
    // Text context: a done todo shows its text as a span.
    const first = todoId(harness.demo, PAYLOADS[0]!);
    await b.page.click(`li[data-id="${first}"] button.toggle`);
    for (const live of [a, b]) {
      const text = live.page.locator(`li[data-id="${first}"] span.text`);
      await text.waitFor({ timeout: WAIT_MS });
      expect(await text.textContent()).toBe(PAYLOADS[0]);
      await expectNoInjectedElements(live.page);
      await expectFreshRender(harness, live);
    }

    // The first render of a new page, without JavaScript, escapes them too.
    const plain = await newVisitorContext(harness.browser, { javaScriptEnabled: false, bypassCSP: true });
    const page = await plain.newPage();
    page.on('dialog', (dialog) => void (dialogs.push(dialog.message()), dialog.dismiss()));
    await page.goto(harness.url.href);
    expect(await page.locator(`li[data-id="${first}"] span.text`).textContent()).toBe(PAYLOADS[0]);
    expect(await activeTodo(page, PAYLOADS[1]!).locator('input.text').inputValue()).toBe(PAYLOADS[1]);
    await expectNoInjectedElements(page);

    expect(dialogs).toEqual([]);
    await Promise.all([...contexts, plain].map((c) => c.close()));
  });
});
