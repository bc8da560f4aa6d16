import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../src/index.js';
import { page, update } from './dom.js';

describe('what the user typed, through a replace of its region', () => {
  it('stays in every field whose server value did not change: text, textarea, checkbox, radio, select', () => {
    const { root } = page(
      '<!--[1--><form id="f"><input name="title" value="a"><textarea name="body">b</textarea><input type="checkbox" name="done">' +
        '<input type="radio" name="size" value="s" checked><input type="radio" name="size" value="l"><select name="tag"><option>x</option><option>y</option></select>' +
        '<select name="many" multiple><option selected>1</option><option>2</option></select></form><p>v1</p><!--]-->',
    );
    const q = <T extends Element>(selector: string) => root.querySelector(selector) as unknown as T;
    q<HTMLInputElement>('[name=title]').value = 'typed';
    q<HTMLTextAreaElement>('textarea').value = 'long text';
    q<HTMLInputElement>('[name=done]').checked = true;
    q<HTMLInputElement>('[value=l]').checked = true;
    q<HTMLSelectElement>('[name=tag]').value = 'y';
    q<HTMLSelectElement>('[name=many]').options[1]!.selected = true;
    applyUpdate(root, update('replace', '1', root.querySelector('form')!.outerHTML.replace(/ checked=""/, ' checked') + '<p>v2</p>'));
    expect(root.querySelector('p')!.textContent).toBe('v2');
    expect(q<HTMLInputElement>('[name=title]').value).toBe('typed');
    expect(q<HTMLTextAreaElement>('textarea').value).toBe('long text');
    expect(q<HTMLInputElement>('[name=done]').checked).toBe(true);
    expect(q<HTMLInputElement>('[value=l]').checked).toBe(true);
    expect(q<HTMLSelectElement>('[name=tag]').value).toBe('y');
    expect([...q<HTMLSelectElement>('[name=many]').selectedOptions].map((o) => o.value)).toEqual(['1', '2']);
  });

  it('gives way to the server where it rendered a new value', () => {
    const { root } = page('<!--[1--><input name="a" value="old"><input name="b" value="old"><!--]-->');
    for (const input of root.querySelectorAll('input')) input.value = 'typed';
    applyUpdate(root, update('replace', '1', '<input name="a" value="new"><input name="b" value="old">'));
    expect([...root.querySelectorAll('input')].map((i) => i.value)).toEqual(['new', 'typed']);
  });

  it('matches fields by form and name or id, not by position', () => {
    const { root } = page('<!--[1--><form id="one"><input name="q"></form><form id="two"><input name="q"></form><!--]-->');
    root.querySelector<HTMLInputElement>('#two input')!.value = 'second';
    applyUpdate(root, update('replace', '1', '<form id="two"><input name="q"></form><form id="one"><input name="q"></form>'));
    expect(root.querySelector<HTMLInputElement>('#two input')!.value).toBe('second');
    expect(root.querySelector<HTMLInputElement>('#one input')!.value).toBe('');
  });

  it('leaves MathML and SVG elements named like fields alone', () => {
    const { root } = page('<!--[1--><math><select><option>a</option></select></math><svg><input></input></svg><input name="x" value="a"><!--]-->');
    root.querySelector<HTMLInputElement>('input[name=x]')!.value = 'typed';
    applyUpdate(root, update('replace', '1', '<math><select></select></math><svg><input></input></svg><input name="x" value="a">'));
    expect(root.querySelector<HTMLInputElement>('input[name=x]')!.value).toBe('typed');
    expect(root.querySelector('math select')!.namespaceURI).toBe('http://www.w3.org/1998/Math/MathML');
  });

  it('leaves untouched fields as the server renders them', () => {
    const { root } = page('<!--[1--><select name="s"><option>a</option><option>b</option></select><!--]-->');
    applyUpdate(root, update('replace', '1', '<select name="s"><option>a</option><option selected>b</option></select>'));
    expect(root.querySelector('select')!.value).toBe('b');
  });
});

describe('a focused field whose server value changed', () => {
  function focused(value: string) {
    const p = page(`<!--[1--><input id="n" value="${value}"><!--]--><button>elsewhere</button>`);
    const field = p.root.querySelector('input')!;
    field.focus();
    return { ...p, field };
  }

  it('takes the server value when it loses the focus, if the user did not change it', () => {
    const { root, doc, field } = focused('shared');
    applyUpdate(root, update('replace', '1', '<input id="n" value="edited by someone else">'));
    expect(field.value).toBe('shared');
    doc.querySelector('button')!.focus();
    expect(field.value).toBe('edited by someone else');
    expect(root.innerHTML).toBe('<!--[1--><input id="n" value="edited by someone else"><!--]--><button>elsewhere</button>');
  });

  it('keeps what the user typed, and still takes the server\'s attribute', () => {
    const { root, doc, field } = focused('shared');
    field.value = 'mine';
    applyUpdate(root, update('replace', '1', '<input id="n" value="theirs">'));
    applyUpdate(root, update('replace', '1', '<input id="n" value="theirs again">'));
    doc.querySelector('button')!.focus();
    expect(field.value).toBe('mine');
    expect(field.getAttribute('value')).toBe('theirs again');
  });

  it('removes a value attribute the server no longer renders', () => {
    const { root, doc, field } = focused('x');
    applyUpdate(root, update('replace', '1', '<input id="n">'));
    doc.querySelector('button')!.focus();
    expect([field.hasAttribute('value'), field.value]).toEqual([false, '']);
  });
});
