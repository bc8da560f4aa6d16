import { JSDOM } from 'jsdom';
import { decodeFrames, until, type LivePage } from './live-page.js';
import { PROBE_SCRIPT } from './probe.js';

interface ProbedWindow extends Window {
  __stProbe: { frames: string[]; waiting: Set<number> };
}

/** Loads `url` in jsdom with its scripts (the client's included) and waits until the page is live. */
export async function openInJsdom(url: string): Promise<LivePage> {
  const dom = await JSDOM.fromURL(url, {
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
    beforeParse: (window) => window.eval(PROBE_SCRIPT),
  });
  const window = dom.window as unknown as ProbedWindow;
  const { document } = window;
  const { Event } = dom.window;
  const probe = () => window.__stProbe;
  const find = (selector: string): HTMLElement => {
    const element = document.querySelector<HTMLElement>(selector);
    if (element === null) throw new Error(`no element matches ${selector}`);
    return element;
  };
  const settled = async () => {
    // A handler's event goes out in the same task as the action; an ack in a later one.
    await new Promise((resolve) => setTimeout(resolve, 0));
    await until(() => probe().waiting.size === 0, 'the page\'s events to be acknowledged');
  };
  await until(() => probe().frames.some((frame) => frame.includes('"ready"')), `${url} to connect`);
  return {
    browser: 'jsdom',
    async click(selector) {
      find(selector).click();
      await settled();
    },
    async fill(selector, value) {
      const field = find(selector) as HTMLInputElement;
      field.focus();
      field.value = value;
      field.dispatchEvent(new Event('input', { bubbles: true }));
      field.dispatchEvent(new Event('change', { bubbles: true }));
      await settled();
    },
    async submit(selector) {
      (find(selector) as HTMLFormElement).requestSubmit();
      await settled();
    },
    async html(selector = 'body') {
      return find(selector).innerHTML;
    },
    async texts(selector) {
      return [...document.querySelectorAll(selector)].map((element) => element.textContent ?? '');
    },
    async waitFor(selector, text) {
      await until(() => [...document.querySelectorAll(selector)].some((element) => text === undefined || (element.textContent ?? '').includes(text)), `${selector}${text === undefined ? '' : ` with "${text}"`}`);
    },
    settled,
    async messages() {
      return decodeFrames(probe().frames);
    },
    async close() {
      window.close();
    },
  };
}
