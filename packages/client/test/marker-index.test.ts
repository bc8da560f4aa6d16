import { ROOT_ID } from '@statetemplate/protocol';
import { describe, expect, it } from 'vitest';
import { applyUpdate, applyUpdates } from '../src/index.js';
import { markerIndex, patched, track, type MarkerIndex } from '../src/marker-index.js';
import { page, update } from './dom.js';

/** The index as the patcher holds it now (taken out and given back, as a patch does). */
function held(root: Node): MarkerIndex {
  const index = markerIndex(root);
  patched(root, index);
  return index;
}

/** The index a scan of the DOM builds from scratch. */
function scanned(root: Node): Map<string, Comment> {
  const index = new Map<string, Comment>();
  track(index, { parent: root, after: null, before: null }, ROOT_ID, true);
  return index;
}

/** The patcher's index names exactly the markers a fresh scan finds, the same nodes. */
function expectInStep(root: Node): void {
  const live = held(root);
  const fresh = scanned(root);
  expect([...live.keys()].sort()).toEqual([...fresh.keys()].sort());
  for (const [id, node] of fresh) expect(live.get(id)).toBe(node);
}

const item = (key: string, text: string) => `<!--:${key}--><li>${text}<ul><!--[3--><!--]--></ul></li>`;
const fixture = `<h1><!--[1-->Todos<!--]--></h1><ul><!--[2-->${item('a', 'A')}${item('b', 'B')}<!--]--></ul>`;

describe('the marker index', () => {
  it('indexes region starts, their ends and items by fragment id', () => {
    const { root } = page(fixture);
    expect([...scanned(root).keys()].sort()).toEqual(['1', '1]', '2', '2:a', '2:a/3', '2:a/3]', '2:b', '2:b/3', '2:b/3]', '2]']);
  });

  it('is kept up to date through every action, without scanning again', () => {
    const { root, normal } = page(fixture);
    applyUpdate(root, update('replace', '1', 'first'));
    const index = held(root);
    const steps = [
      update('append', '2:c', '<li>C<ul><!--[3--><!--:x--><li>x</li><!--]--></ul></li>'),
      update('prepend', '2:z', '<li>Z<ul><!--[3--><!--]--></ul></li>'),
      update('insert_after', '2:m', '<li>M<ul><!--[3--><!--]--></ul></li>', '2:a'),
      update('append', '2:c/3:y', '<li>y</li>'),
      update('move_first', '2:c'),
      update('move_after', '2:z', '', '2:b'),
      update('move_after', '2:c/3:x', '', '2:c/3:y'),
      update('remove', '2:m'),
      update('replace', '2:a', 'A2<ul><!--[3--><!--:q--><li>q</li><!--]--></ul>'),
      update('replace', '2:a/3:q', '<b>q2</b>'),
      update('remove', '2:c/3:y'),
      // A replaced list brings new items with lists of their own.
      update('replace', '2', `${item('n', 'N')}<!--:o--><li>O<ul><!--[3--><!--:p--><li>p</li><!--]--></ul></li>`),
      update('replace', '2:o/3:p', 'p2'),
      update('remove', '2:n'),
    ];
    for (const step of steps) {
      applyUpdate(root, step);
      expect(held(root)).toBe(index);
      expectInStep(root);
    }
    expect(root.innerHTML).toBe(
      normal('<h1><!--[1-->first<!--]--></h1><ul><!--[2--><!--:o--><li>O<ul><!--[3--><!--:p-->p2<!--]--></ul></li><!--]--></ul>'),
    );
  });

  it('takes in a whole new root', () => {
    const { root } = page(fixture);
    applyUpdates(root, [update('replace', '1', 'x'), update('replace', ROOT_ID, '<p><!--[5--><!--:k-->k<!--]--></p>')]);
    expectInStep(root);
    applyUpdate(root, update('append', '5:l', 'l'));
    expect(root.innerHTML).toBe('<p><!--[5--><!--:k-->k<!--:l-->l<!--]--></p>');
  });

  it('gives up a patch that threw: the next one scans', () => {
    const { root } = page(fixture);
    applyUpdate(root, update('replace', '1', 'x'));
    const index = held(root);
    expect(() => applyUpdate(root, update('replace', '9', 'x'))).toThrow();
    expect(held(root)).not.toBe(index);
    expectInStep(root);
  });
});

describe('changes made behind the patcher', () => {
  const setup = () => {
    const p = page(fixture);
    // The index is built and held.
    applyUpdate(p.root, update('replace', '1', 'Todos'));
    return { ...p, index: held(p.root), list: p.root.querySelector('ul')! };
  };

  it('a script removing an item: the index is built again and the rest still found', () => {
    const { root, normal, index, list } = setup();
    const marker = list.childNodes[1]!;
    marker.nextSibling!.remove();
    marker.remove();
    applyUpdate(root, update('replace', '2:b', '<li>B2<ul><!--[3--><!--]--></ul></li>'));
    expect(held(root)).not.toBe(index);
    expectInStep(root);
    expect(() => applyUpdate(root, update('replace', '2:a', 'gone'))).toThrow(/not_found/);
    expect(root.innerHTML).toBe(normal(`<h1><!--[1-->Todos<!--]--></h1><ul><!--[2-->${item('b', 'B2')}<!--]--></ul>`));
  });

  it('a script moving an item: later moves and inserts go where the DOM says', () => {
    const { root, normal, list } = setup();
    const [, a, liA] = list.childNodes as unknown as [Node, Node, Node];
    list.insertBefore(liA, list.lastChild);
    list.insertBefore(a, liA);
    applyUpdates(root, [update('insert_after', '2:c', '<li>C</li>', '2:a'), update('move_first', '2:c')]);
    expectInStep(root);
    expect(root.innerHTML).toBe(normal(`<h1><!--[1-->Todos<!--]--></h1><ul><!--[2--><!--:c--><li>C</li>${item('b', 'B')}${item('a', 'A')}<!--]--></ul>`));
  });

  it('a script adding an item the server knows of: it is found, and not added twice', () => {
    const { root, list } = setup();
    const fresh = root.ownerDocument.createElement('template');
    fresh.innerHTML = item('c', 'C');
    list.insertBefore(fresh.content, list.lastChild);
    expect(() => applyUpdate(root, update('append', '2:c', '<li>C</li>'))).toThrow(/duplicate_item/);
    applyUpdate(root, update('replace', '2:c/3', '<li>c1</li>'));
    expectInStep(root);
    expect(list.querySelectorAll('li').length).toBe(4);
  });

  it('a script re-rendering the whole list with the same markup: the new nodes are patched', () => {
    const { root, normal, list } = setup();
    list.innerHTML = list.innerHTML;
    applyUpdate(root, update('replace', '2:a/3', 'in a'));
    expect(root.innerHTML).toBe(normal(fixture.replace('<!--[3--><!--]-->', '<!--[3-->in a<!--]-->')));
  });

  it('a root no window watches is scanned on every update', () => {
    const { doc } = page('');
    const other = doc.implementation.createHTMLDocument('');
    const root = other.body;
    root.innerHTML = fixture;
    applyUpdate(root, update('replace', '1', 'one'));
    root.querySelector('h1')!.remove();
    expect(() => applyUpdate(root, update('replace', '1', 'two'))).toThrow(/not_found/);
    applyUpdate(root, update('append', '2:c', '<li>C</li>'));
    expect(root.querySelectorAll('li').length).toBe(3);
  });
});
