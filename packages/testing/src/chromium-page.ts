import type { Browser, LaunchOptions } from 'playwright-core';
import { decodeFrames, WAIT_MS, type LivePage } from './live-page.js';
import { PROBE_SCRIPT } from './probe.js';

export interface ChromiumOptions {
  /** A browser to open the page in; it stays open after the page closes. Default: one launched for the page. */
  chromium?: Browser;
  /** playwright-core's launch options when the kit launches Chromium (e.g. `executablePath`). */
  launch?: LaunchOptions;
}

interface Probe {
  frames: string[];
  waiting: Set<number>;
}
declare const window: { __stProbe: Probe };

/** Opens `url` in Chromium through playwright-core and waits until the page is live. */
export async function openInChromium(url: string, options: ChromiumOptions = {}): Promise<LivePage> {
  // Imported on demand: playwright-core is an optional peer, needed only here.
  const { chromium } = await import('playwright-core');
  const browser = options.chromium ?? (await chromium.launch({ headless: true, ...options.launch }));
  const page = await browser.newPage();
  await page.addInitScript(PROBE_SCRIPT);
  await page.goto(url);
  const wait = { timeout: WAIT_MS };
  await page.waitForFunction(() => window.__stProbe.frames.some((frame) => frame.includes('"ready"')), undefined, wait);
  const settled = async () => {
    await page.waitForFunction(() => window.__stProbe.waiting.size === 0, undefined, wait);
  };
  return {
    browser: 'chromium',
    async click(selector) {
      await page.click(selector, wait);
      await settled();
    },
    async fill(selector, value) {
      await page.fill(selector, value, wait);
      await settled();
    },
    async submit(selector) {
      await page.$eval(selector, (form) => (form as HTMLFormElement).requestSubmit());
      await settled();
    },
    async html(selector = 'body') {
      return page.$eval(selector, (element) => element.innerHTML);
    },
    async texts(selector) {
      return page.$$eval(selector, (elements) => elements.map((element) => element.textContent ?? ''));
    },
    async waitFor(selector, text) {
      await page.waitForFunction(
        ([s, t]) => [...document.querySelectorAll(s!)].some((element) => t === null || (element.textContent ?? '').includes(t!)),
        [selector, text ?? null] as const,
        wait,
      );
    },
    settled,
    async messages() {
      return decodeFrames(await page.evaluate(() => window.__stProbe.frames));
    },
    async close() {
      await page.close();
      if (options.chromium === undefined) await browser.close();
    },
  };
}
