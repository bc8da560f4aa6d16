import { describe, expect, it } from 'vitest';
import { bind, type Payload } from '../src/bindings.js';
import { page } from './dom.js';

function setup(html: string) {
  const p = page(html);
  const sent: [string, Payload][] = [];
  const unbind = bind(p.root, (name, payload) => sent.push([name, payload]));
  return { ...p, sent, unbind };
}

describe('declarative bindings', () => {
  it('sends a click with the data-st-value-* attributes, also when a child was clicked, and keeps links from navigating', () => {
    const { doc, sent } = setup('<a href="/x" data-st-click="open" data-st-value-todo-id="3" data-st-value-x="y"><b>go</b></a>');
    const event = new doc.defaultView!.MouseEvent('click', { bubbles: true, cancelable: true });
    doc.querySelector('b')!.dispatchEvent(event);
    expect(sent).toEqual([['open', { todoId: '3', x: 'y' }]]);
    expect(event.defaultPrevented).toBe(true);
  });

  it('lets a checkbox click through (its change is its own)', () => {
    const { doc, sent } = setup('<input type="checkbox" data-st-click="toggle">');
    const box = doc.querySelector('input')!;
    box.click();
    expect(box.checked).toBe(true);
    expect(sent).toEqual([['toggle', {}]]);
  });

  it('sends a submitted form fields (text only) plus its values, without navigating, and resets it when asked', () => {
    const { doc, sent } = setup(
      '<form data-st-submit="add" data-st-value-list="7" data-st-reset>' +
        '<input name="text" value="milk"><select name="when"><option>now</option><option selected>later</option></select>' +
        '<input type="checkbox" name="urgent" checked><input type="checkbox" name="off"><input type="file" name="f"></form>',
    );
    const form = doc.querySelector('form')!;
    const event = new doc.defaultView!.SubmitEvent('submit', { bubbles: true, cancelable: true });
    form.querySelector('input')!.value = 'eggs';
    form.dispatchEvent(event);
    expect(sent).toEqual([['add', { text: 'eggs', when: 'later', urgent: 'on', list: '7' }]]);
    expect(event.defaultPrevented).toBe(true);
    expect(form.querySelector('input')!.value).toBe('milk');
  });

  it('sends the value of a changed field, or checked for a checkbox', () => {
    const { doc, sent } = setup('<input id="t" data-st-change="rename" value="a"><input id="c" type="checkbox" data-st-change="done" checked>');
    const change = () => new doc.defaultView!.Event('change', { bubbles: true });
    const text = doc.getElementById('t') as HTMLInputElement;
    text.value = 'b';
    text.dispatchEvent(change());
    doc.getElementById('c')!.dispatchEvent(change());
    expect(sent).toEqual([
      ['rename', { value: 'b' }],
      ['done', { value: true }],
    ]);
  });

  it('ignores elements outside the root and stops listening once unbound', () => {
    const { doc, root, sent, unbind } = setup('<button data-st-click="in">in</button>');
    const outside = doc.createElement('button');
    outside.setAttribute('data-st-click', 'out');
    doc.body.append(outside);
    outside.click();
    // A binding on an ancestor of the root is not the root's either.
    doc.body.setAttribute('data-st-click', 'body');
    root.click();
    unbind();
    root.querySelector('button')!.click();
    expect(sent).toEqual([]);
  });
});
