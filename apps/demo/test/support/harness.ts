import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { LiveConnection } from '@statetemplate/client';
import { chromiumAvailable, HANG_GUARD_MS, launchChromium, requireResource } from '@statetemplate/test-utils';
import { Demo, type DemoOptions } from '../../src/app.js';
import { IN_PAGE } from './in-page.js';

/** The browser tests' requirement: `describe(name, needs(chromium), …)`; missing chromium skips them (fails under STATETEMPLATE_STRICT=1). */
export const chromium = requireResource('chromium', chromiumAvailable(), 'install Debian chromium: apt-get install -y chromium');

/** Bound for every wait on the page: the hang guard, since a wait ends as soon as its condition holds. */
export const WAIT_MS = HANG_GUARD_MS;

export interface Harness {
  demo: Demo;
  url: URL;
  browser: Browser;
}

/**
 * A demo on a free 127.0.0.1 port and a Chromium, shared by one file's tests
 * and closed after them. The clock ticks only when a test calls demo.tick(),
 * so every page state is one a fresh render can reproduce.
 */
export function useDemo(options: DemoOptions = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.demo = await Demo.start({ tickMs: 0, ...options });
    harness.url = await harness.demo.listen(0);
    harness.browser = await launchChromium();
  });
  afterAll(async () => {
    await harness.browser?.close();
    await harness.demo?.close();
  });
  return harness;
}

/** A browser context (a visitor with its own cookies) whose pages carry the in-page helpers. */
export async function newVisitorContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addInitScript({ content: IN_PAGE });
  return context;
}

export interface LivePage {
  page: Page;
  sessionId: string;
  /** Every frame the page's sockets received, in order. */
  frames: string[];
}

/** Loads the demo in `context` and waits until the page is live. */
export async function openLivePage(harness: Harness, context: BrowserContext, path = '/'): Promise<LivePage> {
  const page = await context.newPage();
  const frames: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', (frame) => frames.push(String(frame.payload))));
  await page.goto(new URL(path, harness.url).href);
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: WAIT_MS });
  const sessionId = (await page.getAttribute('#app', 'data-session'))!;
  if ((await harness.demo.visitors.load(sessionId)) === null) throw new Error(`the demo stored no visitor for session ${sessionId}`);
  return { page, sessionId, frames };
}

/**
 * Waits until the page's app shows exactly what a fresh render of the
 * visitor's current state shows (markers and data-st* attributes aside); on
 * timeout, fails with both versions side by side. `harness` is the instance
 * holding the page: the server time shown is its clock's.
 */
export async function expectFreshRender(harness: Harness, live: LivePage): Promise<void> {
  // Asked afresh while waiting: who is viewing changes as pages connect, on its own.
  let expected = '';
  const shows = async () => live.page.evaluate((html) => window.__st.appShows(html), (expected = await harness.demo.freshRender(live.sessionId)));
  const matched = await expect
    .poll(shows, { timeout: WAIT_MS })
    .toBe(true)
    .then(() => true, () => false);
  if (matched) return;
  const [actual, wanted] = await live.page.evaluate(
    (html) => [window.__st.canonical(document.getElementById('app')!, true), window.__st.canonical(window.__st.parsed(html, false), true)],
    expected,
  );
  expect(actual).toBe(wanted);
}

declare global {
  interface Window {
    /** The live connection demo.js opened. */
    demoConnection: LiveConnection;
  }
}
