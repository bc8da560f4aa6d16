import { applyUpdates } from '@statetemplate/client';
import { ROOT_ID } from '@statetemplate/protocol';
import { describe, expect, it } from 'vitest';
import { compile, type Granularity } from '../src/index.js';
import { canonicalHtml, loadPage } from './property/dom.js';

/**
 * Markup whose parse a hand-written model gets wrong: the compiler reads the
 * template with parse5, so a marker goes only where the page's parser keeps
 * it beside what follows, and the patched page equals a fresh render.
 */
const cases: [string, string, object[]][] = [
  // `</p>` closes the <b>, and the next text or tag reopens it: a marker before them stays outside.
  ['a formatting element reopened', '<p><b>x</p>{{v}}<i class="{{c}}">y</i>', [{ v: 1, c: 'a' }, { v: 2, c: 'a' }, { v: 2, c: 'b' }]],
  // The section closes one <div> and opens another: the same names, not the same elements.
  ['a section swapping elements', '<div>{{#s}}</div><div>{{/s}}{{v}}</div>', [{ s: true, v: 1 }, { s: false, v: 1 }, { s: false, v: 2 }, { s: true, v: 3 }]],
  // The second <li> closes the first: a marker before it would land in the first.
  ['an implied end tag', '<ul><li>a<li class="{{c}}">{{v}}</ul>', [{ c: 'a', v: 1 }, { c: 'b', v: 1 }, { c: 'b', v: 2 }]],
  ['an implied end tag in a list', '<dl>{{#a}}<dt>{{x}}<dd class="{{c}}">{{y}}{{/a}}</dl>', [{ a: [{ id: 1, x: 1, y: 1, c: 'a' }] }, { a: [{ id: 1, x: 2, y: 1, c: 'b' }, { id: 2, x: 3, y: 3, c: 'a' }] }]],
  // A <div> in a table is moved out before it, away from its markers.
  ['an element moved out of a table', '<table><div class="{{c}}">{{v}}</div><tr><td>1</td></tr></table>', [{ c: 'a', v: 1 }, { c: 'b', v: 1 }, { c: 'b', v: 2 }]],
  // `</div>` inside a <template> closes nothing outside it.
  ['an end tag inside a template', '<div><template></div>{{x}}</template>{{y}}</div>', [{ x: 1, y: 1 }, { x: 2, y: 1 }, { x: 2, y: 2 }]],
  // <font color> ends SVG content; <font> alone does not.
  ['a font breaking out of SVG', '<svg><font color="red">{{{x}}}</font><font>{{y}}</font></svg>', [{ x: '<b>1</b>', y: 1 }, { x: '<i>2</i>', y: 1 }, { x: '<i>2</i>', y: 2 }]],
  ['HTML inside MathML', '<math><mi><b class="{{c}}">{{x}}</b></mi><mo>{{x}}</mo></math>', [{ c: 'a', x: 1 }, { c: 'b', x: 1 }, { c: 'b', x: 2 }]],
  ['a newline after a pre start', '<pre>{{#s}}x{{/s}}{{v}}</pre>', [{ s: false, v: '\na' }, { s: true, v: '\na' }, { s: false, v: '\nb' }]],
  ['a character reference split by a tag', '<p>&amp{{v}};</p>', [{ v: 'x' }, { v: '' }, { v: 'y' }]],
];

describe('the compiler reads templates as the page does (parse5)', () => {
  for (const granularity of ['item', 'value'] as Granularity[]) {
    it.each(cases)(`%s (${granularity}): the patched page equals a fresh render after every change`, (_what, source, steps) => {
      const tpl = compile(source, { granularity });
      let { state } = tpl.render(steps[0]!);
      const page = loadPage(tpl.render(steps[0]!).html, false);
      for (const data of steps.slice(1)) {
        applyUpdates(page, tpl.update(state, data));
        ({ state } = tpl.render(data));
        expect(canonicalHtml(page.cloneNode(true) as Element)).toBe(canonicalHtml(loadPage(tpl.renderPlain(data), false)));
      }
    });
  }

  it('whitespace before rows keeps the list a fragment of its own', () => {
    const tpl = compile('<table><tbody>\n  {{#rows}}<tr><td>{{x}}</td></tr>\n  {{/rows}}</tbody></table>');
    const { state } = tpl.render({ rows: [{ id: 1, x: 1 }] });
    const updates = tpl.update(state, { rows: [{ id: 1, x: 1 }, { id: 2, x: 2 }] });
    expect(updates).toHaveLength(1);
    expect(updates[0]!.fragment_id).not.toBe(ROOT_ID);
    expect(updates[0]!.action).not.toBe('replace');
  });

  it('a whole page is read as a document: the title and body content get fragments', () => {
    const tpl = compile('<!DOCTYPE html><html><head><title>{{t}}</title></head><body><p class="{{c}}">{{v}}</p></body></html>');
    const { state } = tpl.render({ t: 'a', c: 'x', v: 1 });
    const updates = tpl.update(state, { t: 'a', c: 'x', v: 2 });
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({ action: 'replace', html: '2' });
  });
});
