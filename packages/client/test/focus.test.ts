import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../src/index.js';
import { page, update } from './dom.js';

type Field = HTMLInputElement | HTMLTextAreaElement;

/** A page from `html` where the user focused the field matching `selector`, typed `text` and selected [start, end) backwards. */
function typedIn(html: string, selector: string, text: string, start: number, end: number) {
  const p = page(html);
  const field = p.root.querySelector<Field>(selector)!;
  field.focus();
  field.value = text;
  field.setSelectionRange(start, end, 'backward');
  return { ...p, field };
}

/** The field still has the focus, the typed text and the selection. */
function expectKept(field: Field, text: string, start: number, end: number) {
  expect(field.ownerDocument.activeElement).toBe(field);
  expect([field.value, field.selectionStart, field.selectionEnd, field.selectionDirection]).toEqual([text, start, end, 'backward']);
}

describe('a focused field inside a replaced range', () => {
  it("keeps its element, focus, typed value and selection, and takes the server's other attributes", () => {
    const { root, field } = typedIn(
      '<form><!--[1--><label>Name</label><input id="n" class="a" value="server" data-x="1"><!--]--></form>',
      '#n',
      'typed by user',
      2,
      5,
    );
    applyUpdate(root, update('replace', '1', '<label>Full name</label><input id="n" class="b" value="server 2" aria-invalid="true">'));
    expectKept(field, 'typed by user', 2, 5);
    expect(root.querySelector('input')).toBe(field);
    expect(root.querySelector('form')!.innerHTML).toBe(
      '<!--[1--><label>Full name</label><input id="n" class="b" value="server" aria-invalid="true"><!--]-->',
    );
  });

  it('finds its counterpart by name when it has no id, wherever the server moved it', () => {
    const { root, field } = typedIn('<!--[1--><input name="first"><input name="last"><!--]-->', '[name=last]', 'Lovelace', 0, 3);
    applyUpdate(root, update('replace', '1', '<p>swapped</p><input name="last" value="x"><input name="first">'));
    expect(root.querySelectorAll('input')[0]).toBe(field);
    expectKept(field, 'Lovelace', 0, 3);
  });

  it('finds its counterpart by position among elements of its tag when it has neither id nor name', () => {
    const { root, field } = typedIn('<!--[1--><input><input class="me"><input><!--]-->', '.me', 'two', 1, 2);
    applyUpdate(root, update('replace', '1', '<b>new</b><input class="n"><input class="n"><input class="n">'));
    expect(root.querySelectorAll('input')[1]).toBe(field);
    expect(field.className).toBe('n');
    expectKept(field, 'two', 1, 2);
  });

  it('keeps what the user typed in a textarea over the server text', () => {
    const { root, field } = typedIn('<!--[1--><textarea>server</textarea><!--]-->', 'textarea', 'line one\nline two', 4, 12);
    applyUpdate(root, update('replace', '1', '<textarea rows="3">server changed</textarea>'));
    expect((field as HTMLTextAreaElement).rows).toBe(3);
    expectKept(field, 'line one\nline two', 4, 12);
  });

  it('survives the replacement of the list item holding it', () => {
    const { root, field } = typedIn(
      '<ul><!--[1--><!--:a--><li>a</li><!--:b--><li>b <input id="i"></li><!--]--></ul>',
      '#i',
      'hello',
      1,
      4,
    );
    applyUpdate(root, update('replace', '1:b', '<li>B! <input id="i" class="c"></li>'));
    expect([field.closest('li')!.textContent, field.className]).toEqual(['B! ', 'c']);
    expectKept(field, 'hello', 1, 4);
  });

  it.each([
    [
      "keeps the user's choice while the server still offers it",
      '<option value="a" selected="">A</option><option value="b">B</option><option value="c">C</option>',
      'b',
    ],
    ["takes the server's choice when the user's option is gone", '<option value="a">A</option><option value="c" selected="">C</option>', 'c'],
  ])("a select takes the server's options and %s", (_, options, value) => {
    const { doc, root } = page('<!--[1--><select id="s"><option value="a" selected>A</option><option value="b">B</option></select><!--]-->');
    const select = doc.getElementById('s') as HTMLSelectElement;
    select.focus();
    select.value = 'b';
    applyUpdate(root, update('replace', '1', `<select id="s">${options}</select>`));
    expect(doc.activeElement).toBe(select);
    expect(select.innerHTML).toBe(options);
    expect(select.value).toBe(value);
  });

  it('keeps the content and selection of a contenteditable', () => {
    const { doc, window, root } = page('<!--[1--><div id="e" contenteditable>hello world</div><!--]-->');
    const editor = doc.getElementById('e')!;
    const text = editor.firstChild!;
    editor.focus();
    window.getSelection()!.setBaseAndExtent(text, 6, text, 11);
    applyUpdate(root, update('replace', '1', '<div id="e" contenteditable class="x">server</div>'));
    const sel = window.getSelection()!;
    expect(doc.activeElement).toBe(editor);
    expect([editor.textContent, editor.className]).toEqual(['hello world', 'x']);
    expect([sel.anchorNode, sel.anchorOffset, sel.focusNode, sel.focusOffset]).toEqual([text, 6, text, 11]);
  });

  it('gives up the typed value when the server renders the field with a new id, focusing the new field', () => {
    const { doc, root, field } = typedIn('<!--[1--><input id="msg-1" name="msg"><!--]-->', 'input', 'sent message', 0, 0);
    applyUpdate(root, update('replace', '1', '<input id="msg-2" name="msg" value="">'));
    const fresh = doc.getElementById('msg-2') as HTMLInputElement;
    expect(field.isConnected).toBe(false);
    expect(doc.activeElement).toBe(fresh);
    expect(fresh.value).toBe('');
  });

  it('lets the focus go when the new content has no counterpart', () => {
    const { doc, root } = typedIn('<!--[1--><input><!--]-->', 'input', 'x', 0, 1);
    applyUpdate(root, update('replace', '1', '<p>done</p>'));
    expect(root.innerHTML).toBe('<!--[1--><p>done</p><!--]-->');
    expect(doc.activeElement).toBe(doc.body);
  });
});

describe('other focus', () => {
  it('hands the focus to the counterpart of a focused button, which shows the new content', () => {
    const { doc, root } = page('<!--[1--><button id="b">Save</button><!--]-->');
    doc.getElementById('b')!.focus();
    applyUpdate(root, update('replace', '1', '<button id="b">Saved</button>'));
    expect(doc.activeElement!.outerHTML).toBe('<button id="b">Saved</button>');
    expect(doc.activeElement!.parentNode).toBe(root);
  });

  it('is untouched by replacements elsewhere', () => {
    const { root, field } = typedIn('<!--[1-->a<!--]--><input><!--[2-->b<!--]-->', 'input', 'steady', 2, 4);
    applyUpdate(root, update('replace', '1', 'A'));
    applyUpdate(root, update('replace', '2', 'B'));
    expectKept(field, 'steady', 2, 4);
  });
});

describe('a focused field inside a moved or removed item', () => {
  const list = '<ul><!--[1--><!--:a--><li><input id="a"></li><!--:b--><li><input id="b"></li><!--:c--><li><input id="c"></li><!--]--></ul>';

  it.each([
    ['move_first', update('move_first', '1:c'), 'cab'],
    ['move_after', update('move_after', '1:a', '', '1:c'), 'bca'],
  ])('%s keeps the focus, value and selection', (_, move, order) => {
    const { root, field } = typedIn(list, '#' + move.fragment_id.slice(2), 'typing', 1, 3);
    applyUpdate(root, move);
    expect([...root.querySelectorAll('input')].map((i) => i.id).join('')).toBe(order);
    expectKept(field, 'typing', 1, 3);
  });

  it('remove takes the focus away with the item', () => {
    const { doc, root } = typedIn(list, '#b', 'bye', 0, 0);
    applyUpdate(root, update('remove', '1:b'));
    expect(doc.getElementById('b')).toBeNull();
    expect(doc.activeElement).toBe(doc.body);
  });
});
