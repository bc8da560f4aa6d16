import { describe, expect, it } from 'vitest';
import { compile, stripAnnotations } from '../src/index.js';
import { patchThrough } from './patch-through.js';

describe('raw output that is not self-contained HTML', () => {
  it('an unclosed element: later updates still find their fragments', () => {
    patchThrough('<p>{{{a}}}</p><p>{{b}}</p>', [
      { a: 'Some <code>', b: 1 },
      { a: 'Some <code>', b: 2 },
      { a: 'fine', b: 3 },
      { a: 'fine', b: 4 },
    ]);
  });

  it('an unfinished tag opener or comment does not swallow the markers after it', () => {
    for (const a of ['</', '<!', '<!--', '<', '<img src="x" title="']) {
      patchThrough('<div>{{{a}}}</div><span>{{b}}</span>', [{ a: 'x', b: 1 }, { a, b: 1 }, { a, b: 2 }, { a: 'y', b: 3 }]);
    }
  });

  it('a <p> inside a <p> and a stray <td> parse as on a fresh page', () => {
    patchThrough('<p>{{{a}}}</p>', [{ a: 'a' }, { a: '<p>b</p>' }, { a: '<td>cell</td>' }, { a: 'c' }]);
  });

  it('markup that closes its context falls back to the fragment that holds it, not further', () => {
    const tpl = compile('<div>{{#s}}<p>{{{a}}}</p>{{/s}}</div><i>{{b}}</i>');
    const { state } = tpl.render({ s: true, a: 'x', b: 1 });
    const updates = tpl.update(state, { s: true, a: '<p>b</p>', b: 1 });
    expect(updates.map((u) => u.fragment_id)).toEqual(['1']);
  });
});

describe('marker-shaped comments in data', () => {
  it('never redirect an update, and stripAnnotations keeps them', () => {
    const tpl = compile('<p>{{{a}}}</p><p>{{b}}</p>');
    const data = { a: '<!--]--><!--[2-->', b: 'old' };
    const { html } = tpl.render(data);
    expect(stripAnnotations(html)).toBe(tpl.renderPlain(data));
    expect(tpl.renderPlain(data)).toContain('<!--]--><!--[2-->');
    patchThrough('<p>{{{a}}}</p><p>{{b}}</p>', [data, { ...data, b: 'new' }, { a: '<!--:7-->', b: 'newer' }]);
  });
});

describe('text edges split by a marker', () => {
  it('a CR before a static LF stays one line break', () => {
    patchThrough('<pre>{{a}}\nnext</pre><p>{{a}}\n</p>', [{ a: 'x' }, { a: 'x\r' }, { a: 'y' }]);
  });

  it('an empty fragment does not let a CR before it meet a LF after it across its markers', () => {
    const items = (t: string, on: boolean) => ({ items: [{ id: 1, t, on }] });
    patchThrough('<ul>{{#items}}<li>{{t}}{{^on}}y{{/on}}\n</li>{{/items}}</ul>', [items('a', false), items('a\r', true), items('b\r', true)]);
  });

  it('an unfinished character reference is not cut from what finishes it', () => {
    patchThrough('<p>{{{a}}};</p><p>AT&{{b}}</p>', [{ a: 'x', b: 'x' }, { a: '&amp', b: 'amp;' }, { a: 'y', b: 'T' }]);
  });
});

describe('<noscript> in updates', () => {
  it('sends the source as written: the client parses it with the scripting flag of the page', () => {
    const tpl = compile('<noscript><p>{{a}}</p></noscript>');
    const { state } = tpl.render({ a: 1 });
    const [update] = tpl.update(state, { a: '<2>' });
    expect(update!.html).toBe('<noscript><p>&lt;2&gt;</p></noscript>');
  });

  it('a <noscript> after raw output that leaves a <b> to reopen stays where a fresh page has it', () => {
    patchThrough('<div>{{{r}}}<noscript><i>{{a}}</i></noscript>{{a}}</div>', [
      { r: 'x', a: 1 },
      { r: '<p><b>bold</p>', a: 1 },
      { r: '<p><b>bold</p>', a: 2 },
      { r: '<b>', a: 3 },
    ]);
  });
});
