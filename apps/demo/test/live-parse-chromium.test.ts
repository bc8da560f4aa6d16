import { describe, expect, it } from 'vitest';
import { compile } from '@statetemplate/core';
import { needs } from '@statetemplate/test-utils';
import { chromium } from './support/harness.js';
import { useBundlePage } from './support/in-page.js';

/**
 * Pages as a live document parses them, with the full parser.
 * - <noscript>: parsed with scripting on, its content is one text node. The
 *   client parses updates in the page's own document, with its scripting
 *   flag, so the patched page equals a fresh page, also where raw output left
 *   a <b> to reopen before it (an inert document, scripting off, would put
 *   the <noscript> inside a new <b>). Only a live document shows this: the
 *   pages here parse into elements of the test page itself.
 * - Character references in attributes: Chromium's innerHTML fast path reads
 *   "&lttrue" as "<true" where the page's parser keeps it; the client keeps
 *   the fast path out.
 */
/** The client bundle's global in the page. */
declare const StateTemplate: typeof import('@statetemplate/client');


const CASES: { name: string; template: string; steps: Record<string, unknown>[] }[] = [
  {
    name: 'a value inside <noscript>',
    template: '<div><noscript><p class="n">{{text}}</p><img src="x.png" alt="{{text}}"></noscript><span>{{text}}</span></div>',
    steps: [{ text: 'one' }, { text: 'two & <three>' }, { text: '' }],
  },
  {
    name: 'raw output inside <noscript>',
    template: '<noscript>{{{html}}}</noscript><p>{{n}}</p>',
    steps: [{ html: '<b>bold</b>', n: 1 }, { html: '<i>x</i><script>window.__ran = true</script>', n: 2 }, { html: '</noscript><b>out</b>', n: 3 }],
  },
  {
    name: 'an unfinished character reference in an attribute',
    template: '{{#items}}\n  <div class="primary {{{c}}}" title="{{{t}}}">\n    true\n  </div>\n{{/items}}',
    steps: [
      { items: [{ id: 1, c: 'x', t: 'y' }] },
      { items: [{ id: 1, c: '<!--[2-->', t: '&lttrue<em>a &amp; b</em>' }] },
      { items: [{ id: 1, c: 'x', t: '&ampx' }] },
    ],
  },
  {
    name: 'a <noscript> after raw output that leaves a <b> to reopen',
    template: '<div>{{{r}}}<noscript><i>{{a}}</i></noscript>{{a}}</div>',
    steps: [{ r: 'x', a: 1 }, { r: '<p><b>bold</p>', a: 1 }, { r: '<p><b>bold</p>', a: 2 }, { r: '<b>', a: 3 }],
  },
  {
    name: 'list items holding <noscript>',
    template: '<ul>{{#items}}<li id="i{{id}}"><noscript><a href="/{{id}}">{{name}}</a></noscript>{{name}}</li>{{/items}}</ul>',
    steps: [
      { items: [{ id: 1, name: 'a' }] },
      { items: [{ id: 2, name: 'b' }, { id: 1, name: 'a!' }] },
      { items: [{ id: 1, name: 'a!' }] },
    ],
  },
];

describe('live pages in Chromium: patched pages equal fresh ones', needs(chromium), () => {
  const chromiumPage = useBundlePage('live parse');

  for (const c of CASES) {
    it(c.name, async () => {
      const template = compile(c.template);
      const [first, ...rest] = c.steps;
      const { html, state } = template.render(first);
      const steps = rest.map((data) => ({ updates: template.update(state, data), plain: template.renderPlain(data) }));
      expect(steps.some((s) => s.updates.length > 0)).toBe(true);
      const page = chromiumPage.page();
      const results = await page.evaluate(
        ({ html, steps }) => {
          // Elements of this live page: their innerHTML parses with scripting on, as the page's parser does.
          const live = (content: string): Element => {
            const body = document.createElement('body');
            // A leading comment keeps the innerHTML fast path out, as in the client.
            body.innerHTML = '<!---->' + content;
            body.firstChild!.remove();
            return body;
          };
          const root = live(html);
          return steps.map((step) => {
            StateTemplate.applyUpdates(root, step.updates);
            return { actual: window.__st.canonical(root), expected: window.__st.canonical(live(step.plain), false, false) };
          });
        },
        { html, steps },
      );
      for (const { actual, expected } of results) expect(actual).toBe(expected);
      if (c.template.includes('noscript')) expect(results[0]!.expected).toContain('<noscript>&#60;');
      expect(await page.evaluate(() => (window as { __ran?: boolean }).__ran)).toBeUndefined();
    });
  }
});
