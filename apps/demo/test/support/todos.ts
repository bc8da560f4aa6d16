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
