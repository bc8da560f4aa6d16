import { JSDOM } from 'jsdom';
import { applyUpdates } from '@statetemplate/client';
import { compile } from '@statetemplate/core';
import { HANG_GUARD_MS } from '@statetemplate/test-utils';
import type { Update } from '@statetemplate/protocol';

/** A 25-item todo page, the page the issue measures. */
export const TODO_TEMPLATE = `<main>
<h1>{{title}}</h1>
<ul class="todos">{{#items}}<li data-id="{{id}}" class="{{#done}}done{{/done}}">{{text}}</li>{{/items}}</ul>
<p class="count">{{remaining}} left</p>
</main>`;

export interface Todo {
  id: number;
  text: string;
  done: boolean;
}

export interface TodoPage {
  title: string;
  items: Todo[];
  remaining: number;
}

export function todoPage(owner: string, count = 25): TodoPage {
  const items = Array.from({ length: count }, (_, i) => ({ id: i, text: `${owner} task ${i}`, done: false }));
  return { title: `${owner}'s list`, items, remaining: count };
}

/** The page with item `index` toggled and its text changed: one item's change. */
export function toggled(page: TodoPage, index: number, text = `${page.title} edit ${index}`): TodoPage {
  const items = page.items.map((item, i) => (i === index ? { ...item, done: !item.done, text } : item));
  return { ...page, items, remaining: items.filter((item) => !item.done).length };
}

export const SIGNING_KEY = 'test signing key of at least thirty-two bytes';

/** A clock that moves only when a test moves it. */
export interface ManualClock {
  /** The current time in ms since the epoch: pass it as `now` to the StateTemplate and to its store. */
  readonly now: () => number;
  advance(ms: number): void;
}

/** Expiry tested without waiting: nothing depends on how long the test takes to run. */
/** Durations to move a manual clock by, and to set expiries on it. */
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;

export function manualClock(start = Date.UTC(2030, 0, 1)): ManualClock {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/** The stream's next result, or a rejection with `failure()` once `deadline` passes. */
async function nextBefore<T>(stream: AsyncIterator<T>, deadline: number, failure: () => string): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(failure())), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([stream.next(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Takes `n` updates from a stream, failing instead of hanging when they do not come. */
export async function take<T>(stream: AsyncIterator<T>, n: number, timeoutMs = HANG_GUARD_MS): Promise<T[]> {
  const got: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (got.length < n) {
    const next = await nextBefore(stream, deadline, () => `got ${got.length} of ${n} updates in ${timeoutMs} ms`);
    if (next.done) throw new Error(`stream ended after ${got.length} of ${n} updates`);
    got.push(next.value);
  }
  return got;
}

/** Everything a stream still delivers until it ends; fails instead of hanging. */
export async function drain<T>(stream: AsyncIterator<T>, timeoutMs = HANG_GUARD_MS): Promise<T[]> {
  const got: T[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const next = await nextBefore(stream, deadline, () => `stream did not end within ${timeoutMs} ms`);
    if (next.done) return got;
    got.push(next.value);
  }
}

/** A DOM holding `html`, as a browser would after the first render. */
export function page(html: string): { root: Element; apply(updates: readonly Update[]): void; html(): string } {
  const dom = new JSDOM(`<!doctype html><body><div id="root"></div></body>`);
  const root = dom.window.document.getElementById('root')!;
  root.innerHTML = html;
  return {
    root,
    apply: (updates) => applyUpdates(root, updates),
    html: () => root.innerHTML,
  };
}

/** How `html` serialises once parsed, to compare a patched DOM with a fresh render. */
export function normalised(html: string): string {
  return page(html).html();
}

const todo = compile(TODO_TEMPLATE);

/** How a DOM showing `data` serialises: what every stream of updates up to `data` must produce. */
export function expected(data: TodoPage): string {
  return normalised(todo.render(data).html);
}
