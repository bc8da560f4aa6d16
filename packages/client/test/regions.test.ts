import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { ApplyError, applyUpdate, applyUpdates } from '../src/index.js';
import { page, update } from './dom.js';

const fixture =
  '<h1><!--[1-->Title<!--]--></h1>' +
  '<!-- a user note -->' +
  '<section><!--[2-->intro <em>x</em><!--[3-->inner<!--]--> tail<!--]--></section>' +
  '<p>a<!--[4--><!--]-->b</p>';

describe('regions', () => {
  it('replace swaps only the content between the region markers', () => {
    const { root, normal } = page(fixture);
    applyUpdate(root, update('replace', '1', 'New <b>title</b>'));
    expect(root.innerHTML).toBe(normal(fixture.replace('Title', 'New <b>title</b>')));
  });

  it('replace of a nested region (2/3) leaves its parent region around it', () => {
    const { root, normal } = page(fixture);
    applyUpdate(root, update('replace', '2/3', '<i>deep</i>'));
    expect(root.innerHTML).toBe(normal(fixture.replace('inner', '<i>deep</i>')));
  });

  it('replace of an outer region installs nested markers that later updates find', () => {
    const { root, normal } = page(fixture);
    applyUpdates(root, [update('replace', '2', 'one<!--[3-->two<!--]-->three'), update('replace', '2/3', 'TWO')]);
    expect(root.innerHTML).toBe(normal(fixture.replace(/intro.*tail/, 'one<!--[3-->TWO<!--]-->three')));
  });

  it('fills an empty region between text and empties it again', () => {
    const { root, normal } = page(fixture);
    applyUpdate(root, update('replace', '4', '<u>mid</u>'));
    expect(root.innerHTML).toBe(normal(fixture.replace('<!--[4--><!--]-->', '<!--[4--><u>mid</u><!--]-->')));
    applyUpdate(root, update('replace', '4', ''));
    expect(root.innerHTML).toBe(normal(fixture));
  });

  it('replace of "0" swaps the whole root content, markers and user comments included', () => {
    const { root } = page(fixture);
    applyUpdates(root, [update('replace', '0', '<p><!--[1-->fresh<!--]--></p>'), update('replace', '1', 'again')]);
    expect(root.innerHTML).toBe('<p><!--[1-->again<!--]--></p>');
  });

  it('parses cells, rows and options in context when a region holds them', () => {
    const html =
      '<table><tbody><!--[1--><tr><td>r</td></tr><!--]--><tr><!--[2--><td>1</td><td>2</td><!--]--></tr></tbody></table>' +
      '<select><!--[3--><option>o</option><!--]--></select>';
    const { root, normal } = page(html);
    applyUpdates(root, [
      update('replace', '1', '<tr><td>R1</td></tr><tr><td>R2</td></tr>'),
      update('replace', '2', '<td>3</td>'),
      update('replace', '3', '<option>p</option><option>q</option>'),
    ]);
    expect(root.innerHTML).toBe(
      normal(
        '<table><tbody><!--[1--><tr><td>R1</td></tr><tr><td>R2</td></tr><!--]--><tr><!--[2--><td>3</td><!--]--></tr></tbody></table>' +
          '<select><!--[3--><option>p</option><option>q</option><!--]--></select>',
      ),
    );
  });

  it('resolves the same region id inside different items by the item key (1:b/2)', () => {
    const html = '<ul><!--[1--><!--:a--><li><!--[2-->a<!--]--></li><!--:b--><li><!--[2-->b<!--]--></li><!--]--></ul>';
    const { root, normal } = page(html);
    applyUpdate(root, update('replace', '1:b/2', 'B'));
    expect(root.innerHTML).toBe(normal(html.replace('[2-->b', '[2-->B')));
  });

  it('leaves user comments alone, even ones that look like markers', () => {
    const lookalikes = '<!--[if IE]><p>old</p><![endif]--><!--[x y--><!--]]--><!--: spaced--><!-- ] -->';
    const html = `<ul><!--[1--><!--:a--><li>a</li>${lookalikes}<!--:b--><li>b</li><!--:c--><li>c</li><!--]--></ul>${lookalikes}`;
    const { root, normal } = page(html);
    applyUpdates(root, [update('remove', '1:b'), update('move_first', '1:c'), update('append', '1:d', '<li>d</li>')]);
    expect(root.innerHTML).toBe(
      normal(`<ul><!--[1--><!--:c--><li>c</li><!--:a--><li>a</li>${lookalikes}<!--:d--><li>d</li><!--]--></ul>${lookalikes}`),
    );
  });
});

describe('roots', () => {
  it('works on a DocumentFragment that is not in any document', () => {
    const { doc, normal } = page('');
    const frag = doc.createRange().createContextualFragment('<ul><!--[1--><!--:a--><li>a</li><!--]--></ul>');
    applyUpdates(frag, [update('append', '1:b', '<li>b</li>'), update('move_first', '1:b')]);
    const out = doc.createElement('div');
    out.append(frag);
    expect(out.innerHTML).toBe(normal('<ul><!--[1--><!--:b--><li>b</li><!--:a--><li>a</li><!--]--></ul>'));
  });

  it('works on a Document, finding regions anywhere in it', () => {
    const doc = new JSDOM('<!doctype html><title>t</title><body><main><!--[1-->x<!--]--></main></body>').window.document;
    applyUpdate(doc, update('replace', '1', '<b>y</b>'));
    expect(doc.body.innerHTML).toBe('<main><!--[1--><b>y</b><!--]--></main>');
  });

  it('refuses "0" on a Document, whose content cannot come from a template', () => {
    const doc = new JSDOM('<!doctype html><body><!--[1-->x<!--]--></body>').window.document;
    const before = doc.documentElement.outerHTML;
    expect(() => applyUpdate(doc, update('replace', '0', '<p>all</p>'))).toThrow(ApplyError);
    expect(doc.documentElement.outerHTML).toBe(before);
  });

  it('puts the old content back when the DOM refuses the new (an element as a child of the Document)', () => {
    const doc = new JSDOM('<!--[1--><!--old--><!--]--><!doctype html><body>b</body>').window.document;
    const before = [...doc.childNodes];
    expect(() => applyUpdate(doc, update('replace', '1', '<p>a</p>'))).toThrow(/Invalid insertion|HierarchyRequest/);
    expect([...doc.childNodes]).toEqual(before);
    expect((doc.childNodes[1] as Comment).data).toBe('old');
  });
});

describe('applyUpdates', () => {
  it('applies in order and stops at the first refused update, keeping the ones before it', () => {
    const { root, normal } = page('<ul><!--[1--><!--:a--><li>a</li><!--]--></ul>');
    const batch = [update('append', '1:b', '<li>b</li>'), update('remove', '1:zz'), update('append', '1:c', '<li>c</li>')];
    expect(() => applyUpdates(root, batch)).toThrow(expect.objectContaining({ code: 'not_found', fragmentId: '1:zz' }));
    expect(root.innerHTML).toBe(normal('<ul><!--[1--><!--:a--><li>a</li><!--:b--><li>b</li><!--]--></ul>'));
  });
});
