import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '@statetemplate/test-utils';
import type { BrowserCase } from './property-cases.js';

const bundle = fileURLToPath(new URL('statetemplate.min.js', import.meta.resolve('@statetemplate/client')));

/**
 * For a describe block: one Chromium page holding the client bundle
 * (`StateTemplate`) and `window.__st`, opened before its tests and closed after.
 * Read `page()` inside the tests.
 */
export function useBundlePage(title: string): { page(): Page } {
  let browser: Browser | undefined;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent(`<!DOCTYPE html><title>${title}</title>`);
    await page.addScriptTag({ path: bundle });
    await page.addScriptTag({ content: IN_PAGE });
  });
  afterAll(async () => {
    await browser?.close();
  });
  return { page: () => page! };
}

/**
 * Helpers installed in every test page as `window.__st`, written as plain
 * JavaScript source so no test-time transform can leak into the browser.
 *
 * canonical(root, shown, annotated): root's content without data-st*
 * attributes and, for an annotated page, without StateTemplate's annotations
 * (marker comments, the "!" escaping marker-shaped comments of raw output, as
 * core's property tests do), with adjacent text nodes merged, written
 * out with every namespace and each <template>'s content as test-utils'
 * domText does (text(node)): a patched page and a freshly parsed plain
 * render give the same string exactly when their DOMs agree. With `shown`,
 * each input's value attribute is replaced by the value it shows, since the
 * client deliberately keeps what a visitor typed into a focused field rather
 * than the server's value attribute.
 * parsed(html, whole, slot): a root holding html as a tab parses a page, with
 * scripting on (body content in a detached element of this page, or a whole
 * document's <html> element in the iframe named by slot).
 * runCases(cases): replays property cases (see property-cases.ts) with the
 * client bundle's applyUpdates; returns the first failure of each failing case.
 */
export const IN_PAGE = String.raw`
window.__st = {
  marker: /^(?:\[[0-9a-z]+|\]|:[\w%]*)$/,
  escaped: /<!--!(?=!*(?:\[[0-9a-z]+|\]|:[\w%]*)(?:-->|-{0,2}$))/g,
  rawText: new Set(['xmp', 'textarea', 'title', 'script', 'style', 'noembed', 'noframes', 'iframe', 'plaintext', 'noscript']),
  canonical(root, shown = false, annotated = true) {
    const copy = root.cloneNode(true);
    if (shown) {
      // Cloning carries each input's current value along.
      for (const input of copy.querySelectorAll('input')) input.setAttribute('value', input.value);
      // What a data-st-ignore element holds is the page's own (a script drew it), not the server's.
      for (const ignored of copy.querySelectorAll('[data-st-ignore]')) ignored.replaceChildren();
    }
    if (annotated) this.unannotate(copy);
    for (const element of copy.querySelectorAll('*')) {
      for (const name of element.getAttributeNames()) if (name.startsWith('data-st')) element.removeAttribute(name);
    }
    copy.normalize();
    const text = Array.from(copy.childNodes, (node) => this.text(node)).join('');
    // An attribute name cannot be set back: undo the escape where text() writes names.
    return annotated ? text.replace(/ <!--!(?=!*(?:\[[0-9a-z]+|\]|:[\w%]*)-*=")/g, ' <!--') : text;
  },
  unannotate(root) {
    const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT | NodeFilter.SHOW_TEXT);
    const nodes = [];
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) nodes.push(node);
    for (const node of nodes) {
      if (node.nodeType === 8) {
        if (this.marker.test(node.data)) node.remove();
        else if (this.marker.test(node.data.replace(/^!+/, ''))) node.data = node.data.slice(1);
        else node.data = node.data.replace(this.escaped, '<!--');
      } else if (node.nodeType === 3) {
        if (this.rawText.has(node.parentNode.localName)) node.data = node.data.replace(this.escaped, '<!--');
      } else {
        for (const attr of node.attributes) attr.value = attr.value.replace(this.escaped, '<!--');
        if (node.localName === 'template' && node.content) this.unannotate(node.content);
      }
    }
  },
  text(node) {
    const escape = (text) => text.replace(/[&<>"]/g, (c) => '&#' + c.charCodeAt(0) + ';');
    const qualified = (n) => (n.namespaceURI === null || n.namespaceURI === 'http://www.w3.org/1999/xhtml' ? '' : '{' + n.namespaceURI + '}') + n.localName;
    if (node.nodeType === 3) return escape(node.data);
    if (node.nodeType === 8) return '<!--' + escape(node.data) + '-->';
    const children = Array.from(node.childNodes, (child) => this.text(child)).join('');
    if (node.nodeType !== 1) return children;
    const attrs = Array.from(node.attributes, (a) => ' ' + qualified(a) + '="' + escape(a.value) + '"').join('');
    const content = node.localName === 'template' && node.namespaceURI === 'http://www.w3.org/1999/xhtml' ? '\n<#content>\n' + this.text(node.content) : '';
    return '<' + qualified(node) + attrs + '>' + children + content + '</' + qualified(node) + '>';
  },
  frames: {},
  parsed(html, whole, slot = 'expected') {
    if (whole) return this.tab(html, slot);
    // An element of this live page: its innerHTML parses with scripting on, as a page does
    // (<noscript> content is text). A leading comment keeps Chromium's innerHTML fast path out
    // (it reads "&ampa" in an attribute as "&a", unlike the full parser); removed after.
    const body = document.createElement('body');
    body.innerHTML = '<!---->' + html;
    body.firstChild.remove();
    return body;
  },
  // A whole page as a tab parses it, with scripting on (a DOMParser document has it off): written into
  // an iframe of this page, one per slot so a patched page and its expected one live side by side.
  // Hostile values' alert() calls go nowhere.
  tab(html, slot) {
    let frame = this.frames[slot];
    if (!frame) frame = this.frames[slot] = document.body.appendChild(document.createElement('iframe'));
    const doc = frame.contentDocument;
    doc.open();
    frame.contentWindow.alert = () => {};
    doc.write(html);
    doc.close();
    return doc.documentElement;
  },
  runCases(cases) {
    const failures = [];
    for (const c of cases) {
      const root = this.parsed(c.html, c.whole, 'page');
      for (let i = 0; i < c.steps.length; i++) {
        const step = c.steps[i];
        const failure = { index: c.index, seed: c.seed, template: c.template, step: i + 1, updates: step.updates };
        try {
          StateTemplate.applyUpdates(root, step.updates);
        } catch (error) {
          failures.push({ ...failure, error: String(error && error.message ? error.code + ': ' + error.message : error) });
          break;
        }
        const actual = this.canonical(root);
        const expected = this.canonical(this.parsed(step.expected, c.whole), false, false);
        if (actual !== expected) {
          failures.push({ ...failure, expected, actual });
          break;
        }
      }
    }
    return failures;
  },
  /** Whether the app root shows exactly what the plain render html shows. */
  appShows(html) {
    return this.canonical(document.getElementById('app'), true) === this.canonical(this.parsed(html, false), true, false);
  },
};
`;

/** The first failing step of a property case, as runCases reports it. */
export interface CaseFailure {
  index: number;
  seed: number;
  template: string;
  step: number;
  updates: unknown;
  /** applyUpdates threw this. */
  error?: string;
  /** Otherwise, the canonical DOMs that differ. */
  expected?: string;
  actual?: string;
}

declare global {
  interface Window {
    __st: {
      canonical(root: Element, shown?: boolean, annotated?: boolean): string;
      text(node: Node): string;
      parsed(html: string, whole: boolean, slot?: string): Element;
      appShows(html: string): boolean;
      runCases(cases: BrowserCase[]): CaseFailure[];
    };
  }
}
