import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { Demo } from '../../src/app.js';
import { WAIT_MS } from './harness.js';

/** The not-done todo showing `text`, as the page renders it. */
export function activeTodo(page: Page, text: string): Locator {
  return page.locator('li.todo', { has: page.locator(`input.text[aria-label=${JSON.stringify(`Todo: ${text}`)}]`) });
}

/** Adds a todo through the page's form, as a visitor would, and waits until the page shows it. */
export async function addTodo(page: Page, text: string): Promise<Locator> {
  await page.fill('#new-todo', text);
  await page.press('#new-todo', 'Enter');
  const item = activeTodo(page, text);
  await item.waitFor({ timeout: WAIT_MS });
  return item;
}

/** The shared list's id of the todo holding `text`. */
export function todoId(demo: Demo, text: string): string {
  const todo = demo.todos.todos.find((t) => t.text === text);
  if (todo === undefined) throw new Error(`no todo ${JSON.stringify(text)} in the shared list`);
  return todo.id;
}

/** The ids of the todos the page lists, in its order. */
export function shownIds(page: Page): Promise<string[]> {
  return page.$$eval('li.todo', (items) => items.map((li) => (li as HTMLElement).dataset.id!));
}

/**
 * Waits until the shared list holds exactly `ids`, in that order, then until
 * the page lists them so. A click resolves before its event reaches the
 * server: the list read at once may still be the old one, which a page
 * patched meanwhile never shows again.
 */
export async function showsOrder(demo: Demo, page: Page, ids: readonly string[]): Promise<void> {
  await expect.poll(() => demo.todos.todos.map((t) => t.id), { timeout: WAIT_MS }).toEqual(ids);
  await page.waitForFunction((want) => [...document.querySelectorAll<HTMLElement>('li.todo')].map((li) => li.dataset.id).join() === want.join(), ids, {
    timeout: WAIT_MS,
  });
}
