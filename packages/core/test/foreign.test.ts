import { applyUpdates } from '@statetemplate/client';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/index.js';
import { canonicalHtml, loadPage } from './property/dom.js';

/**
 * SVG and MathML as the compiler reads them: `/>` closes their elements but
 * not HTML ones in an integration point inside them (the parser ignores it
 * there), and an HTML tag such as <p> directly inside them ends them. So
 * markers stay where the parser puts them and the patched page equals a
 * fresh render.
 */
const list = (...xs: number[]) => xs.map((x) => ({ id: x, x }));

const cases: [string, string, object, object][] = [
  ['a self-closed <g> in <svg>', '<svg>{{#f}}<g/>{{/f}}{{x}}</svg>', { f: true, x: 1 }, { f: false, x: 2 }],
  ['a self-closed <div> in <foreignObject>', '<svg><foreignObject>{{#f}}<div/>{{/f}}<p>{{x}}</p></foreignObject></svg>', { f: true, x: 1 }, { f: false, x: 2 }],
  ['a self-closed <span> in list items in <foreignObject>', '<svg><foreignObject>{{#a}}<span/>{{x}}{{/a}}</foreignObject></svg>', { a: list(1) }, { a: list(2, 1) }],
  ['a self-closed <b> in <desc>', '<svg><desc>{{#f}}<b/>{{/f}}{{x}}</desc></svg>', { f: true, x: 1 }, { f: false, x: 2 }],
  ['a self-closed <b> in <mi>', '<math><mi>{{#f}}<b/>{{/f}}{{x}}</mi></math>', { f: true, x: 1 }, { f: false, x: 2 }],
  ['an <svg> in <foreignObject> in <svg>', '<svg><foreignObject><svg>{{#f}}<g/>{{/f}}{{x}}</svg></foreignObject></svg>', { f: true, x: 1 }, { f: false, x: 2 }],
  ['an <svg> in <mtext>', '<math><mtext>{{#a}}<svg><circle r="{{x}}"/></svg>{{/a}}</mtext></math>', { a: list(1) }, { a: list(2, 1) }],
  // Invalid, but the parser copes: the HTML tag closes the <svg> first.
  ['a <p> in a section in <svg>', '<svg>{{#f}}<p>x</p>{{/f}}<circle r="{{x}}"/></svg>{{x}}', { f: true, x: 1 }, { f: false, x: 2 }],
  ['a <div> in list items in <g>', '<svg><g>{{#a}}<div>{{x}}</div>{{/a}}</g></svg><p>{{x}}</p>', { a: list(1), x: 1 }, { a: list(2, 1), x: 2 }],
  ['a <b> after a <circle> in list items in <svg>', '<div><svg>{{#a}}<circle/><b>{{x}}</b>{{/a}}</svg></div>', { a: list(1) }, { a: list(2, 1) }],
];

describe('SVG and MathML in templates', () => {
  it.each(cases)('%s: the patched page equals a fresh render', (_what, source, before, after) => {
    const tpl = compile(source);
    const { html, state } = tpl.render(before);
    const page = loadPage(html, false);
    applyUpdates(page, tpl.update(state, after));
    expect(canonicalHtml(page)).toBe(canonicalHtml(loadPage(tpl.renderPlain(after), false)));
  });
});
