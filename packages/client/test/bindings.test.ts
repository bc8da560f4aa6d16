import { afterEach, describe, expect, it, vi } from 'vitest';
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

describe('more events, key filters, debounce and throttle', () => {
  afterEach(() => void vi.useRealTimers());

  const fire = (target: Element, type: string, init: Record<string, unknown> = {}) => {
    const view = target.ownerDocument.defaultView!;
    const Kind = type.startsWith('key') ? view.KeyboardEvent : type === 'focus' || type === 'blur' ? view.FocusEvent : view.Event;
    // focus and blur do not bubble: the bindings capture.
    target.dispatchEvent(new Kind(type, { bubbles: type !== 'focus' && type !== 'blur', ...init }));
  };

  it('sends input, focus and blur with the field value, and keys only when data-st-key names them', () => {
    const { doc, sent } = setup(
      '<input id="q" data-st-input="search" data-st-focus="opened" data-st-blur="left" value="a">' +
        '<input id="k" data-st-keydown="key" data-st-keyup="up" data-st-key="Enter Escape" value="x">',
    );
    const q = doc.getElementById('q') as HTMLInputElement;
    const k = doc.getElementById('k')!;
    fire(q, 'focus');
    q.value = 'ab';
    fire(q, 'input');
    fire(q, 'blur');
    fire(k, 'keydown', { key: 'a' });
    fire(k, 'keydown', { key: 'Enter' });
    fire(k, 'keyup', { key: 'Escape' });
    expect(sent).toEqual([
      ['opened', { value: 'a' }],
      ['search', { value: 'ab' }],
      ['left', { value: 'ab' }],
      ['key', { value: 'x' }],
      ['up', { value: 'x' }],
    ]);
  });

  it('sends a form as the browser submits it: repeated names as arrays, unchecked boxes and radios absent', () => {
    const { doc, sent } = setup(
      '<form data-st-change="validate">' +
        '<input type="checkbox" name="tag" value="a" checked><input type="checkbox" name="tag" value="b" checked><input type="checkbox" name="tag" value="c">' +
        '<input type="radio" name="size" value="s"><input type="radio" name="size" value="m" checked>' +
        '<select name="pick" multiple><option selected>x</option><option>y</option><option selected>z</option></select></form>',
    );
    fire(doc.querySelector('select')!, 'change');
    expect(sent).toEqual([['validate', { tag: ['a', 'b'], size: 'm', pick: ['x', 'z'] }]]);
  });

  it('sends a multiple select alone as its selected values', () => {
    const { doc, sent } = setup('<select data-st-change="pick" multiple><option selected>x</option><option>y</option><option selected>z</option></select>');
    fire(doc.querySelector('select')!, 'change');
    expect(sent).toEqual([['pick', { value: ['x', 'z'] }]]);
  });

  it('debounces: sends the latest value once the field stays quiet that long', () => {
    vi.useFakeTimers();
    const { doc, sent } = setup('<input data-st-input="search" data-st-debounce="300">');
    const input = doc.querySelector('input')!;
    for (const value of ['a', 'ab', 'abc']) {
      input.value = value;
      fire(input, 'input');
      vi.advanceTimersByTime(200);
    }
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([['search', { value: 'abc' }]]);
  });

  it('debounces until blur: sends the latest value when the field loses focus', () => {
    const { doc, sent } = setup('<input data-st-input="save" data-st-debounce="blur">');
    const input = doc.querySelector('input')!;
    input.value = 'draft';
    fire(input, 'input');
    input.value = 'final';
    fire(input, 'input');
    expect(sent).toEqual([]);
    fire(input, 'blur');
    expect(sent).toEqual([['save', { value: 'final' }]]);
  });

  it('throttles: the first at once, then at most one per period, the latest at its end', () => {
    vi.useFakeTimers();
    const { doc, sent } = setup('<input data-st-input="drag" data-st-throttle="100">');
    const input = doc.querySelector('input')!;
    for (let i = 1; i <= 5; i++) {
      input.value = String(i);
      fire(input, 'input');
      vi.advanceTimersByTime(30);
    }
    // 1 at once; 2, 3 and 4 within the first 100 ms: 4 at its end; 5 starts the next period.
    vi.advanceTimersByTime(200);
    expect(sent.map(([, p]) => p.value)).toEqual(['1', '4', '5']);
  });

  it('drops pending sends once unbound', () => {
    vi.useFakeTimers();
    const { doc, sent, unbind } = setup('<input data-st-input="search" data-st-debounce="100">');
    fire(doc.querySelector('input')!, 'input');
    unbind();
    vi.advanceTimersByTime(1000);
    expect(sent).toEqual([]);
  });
});

