import { describe, expect, it } from 'vitest';
import type { AttributeChange, Update } from '@statetemplate/protocol';
import { ApplyError, applyUpdate } from '../src/index.js';
import { page } from './dom.js';

const fixture =
  '<ul><!--[1-->' +
  '<!--:a--><li class="x"><input type="checkbox"><a href="/a" title="t">a</a></li>' +
  '<!--:b--><li class="done"><input type="checkbox" checked><a href="/b">b</a></li>' +
  '<!--]--></ul>';

const attrs = (fragment_id: string, changes: AttributeChange[]): Update => ({ fragment_id, action: 'attrs', html: '', attrs: changes, timestamp: 0 });

describe('attrs', () => {
  it('sets and removes attributes of the fragment elements it numbers, in document order', () => {
    const { root, normal } = page(fixture);
    applyUpdate(root, attrs('1:a', [{ element: 0, set: 'class=done' }, { element: 1, set: 'checked' }, { element: 2, set: 'href="/a?x=1&amp;y=2"', remove: ['title'] }]));
    expect(root.innerHTML).toBe(normal(fixture.replace('<li class="x"><input type="checkbox"><a href="/a" title="t">', '<li class="done"><input type="checkbox" checked=""><a href="/a?x=1&amp;y=2">')));
    const input = root.querySelector('input')!;
    // The property follows, as on a fresh page: a box a user unticked shows ticked again.
    expect(input.checked).toBe(true);
    applyUpdate(root, attrs('1:a', [{ element: 1, set: '', remove: ['checked'] }]));
    expect(input.checked).toBe(false);
  });

  it('removes before it sets, so what is set again goes after a new attribute', () => {
    const { root } = page(fixture);
    applyUpdate(root, attrs('1:b', [{ element: 2, set: 'title="x y" href=/b', remove: ['href'] }]));
    expect(root.querySelectorAll('a')[1]!.outerHTML).toBe('<a title="x y" href="/b">b</a>');
  });

  it('keeps the value an input is being edited in', () => {
    const { root, doc } = page('<!--[1--><input value="a"><!--]-->');
    const input = root.querySelector('input')!;
    input.focus();
    input.value = 'typed';
    applyUpdate(root, attrs('1', [{ element: 0, set: 'value=b' }]));
    expect([input.getAttribute('value'), input.value, doc.activeElement]).toEqual(['b', 'typed', input]);
    input.blur();
    applyUpdate(root, attrs('1', [{ element: 0, set: 'value=c' }]));
    expect(input.value).toBe('c');
  });

  it('refuses a change it cannot make, leaving the page as it was', () => {
    for (const [changes, code] of [
      [[{ element: 0, set: 'class=y' }, { element: 9, set: 'x' }], 'not_found'],
      [[{ element: 0, set: 'class=y' }, { element: 1, set: 'a><b' }], 'bad_attrs'],
      [[{ element: 0, set: 7 }], 'bad_attrs'],
      ['nope', 'bad_attrs'],
    ] as [AttributeChange[], string][]) {
      const { root, normal } = page(fixture);
      let error: unknown;
      try {
        applyUpdate(root, attrs('1:a', changes));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ApplyError);
      expect((error as ApplyError).code).toBe(code);
      expect(root.innerHTML).toBe(normal(fixture));
    }
  });
});
