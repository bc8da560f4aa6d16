import { describe, expect, it } from 'vitest';
import { ApplyError, applyUpdate, applyUpdates } from '../src/index.js';
import { page, update } from './dom.js';

const list = (...keys: (string | number)[]) => `<ul><!--[1-->${keys.map((k) => `<!--:${k}--><li>${k}</li>`).join('')}<!--]--></ul>`;
const stream = (action: string, id: string, html = '', extra: { ref?: string; stream?: 1 | 2; limit?: number } = {}) => ({ ...update(action, id, html, extra.ref), stream: extra.stream ?? 1, ...(extra.limit && { limit: extra.limit }) });

describe("a stream's updates", () => {
  it('do nothing where their item, list or ref is not on the page', () => {
    const { root, normal } = page(list(1, 2));
    applyUpdates(root, [
      stream('replace', '1:9', '<li>x</li>'),
      stream('remove', '1:9'),
      stream('append', '7:3', '<li>3</li>'),
      stream('insert_after', '1:3', '<li>3</li>', { ref: '1:9' }),
      stream('move_first', '1:9'),
    ]);
    expect(root.innerHTML).toBe(normal(list(1, 2)));
  });

  it('move an item already there to where an insert says, or replace it in place', () => {
    const { root, normal } = page(list(1, 2, 3));
    applyUpdate(root, stream('append', '1:1', '<li>1</li>'));
    expect(root.innerHTML).toBe(normal(list(2, 3, 1)));
    applyUpdate(root, stream('insert_after', '1:1', '<li>1</li>', { ref: '1:2' }));
    expect(root.innerHTML).toBe(normal(list(2, 1, 3)));
    applyUpdate(root, stream('append', '1:2', '<li>two</li>', { stream: 2 }));
    expect(root.innerHTML).toBe(normal(list(2, 1, 3).replace('<li>2</li>', '<li>two</li>')));
    // Later updates find the items where they went.
    applyUpdate(root, stream('remove', '1:1'));
    expect(root.innerHTML).toBe(normal(list(2, 3).replace('<li>2</li>', '<li>two</li>')));
  });

  it('trim the far end to a limit: the start for an append or insert, the end for a prepend', () => {
    const { root, normal } = page(list(1, 2, 3));
    applyUpdate(root, stream('append', '1:4', '<li>4</li>', { limit: 2 }));
    expect(root.innerHTML).toBe(normal(list(3, 4)));
    applyUpdate(root, stream('prepend', '1:0', '<li>0</li>', { limit: 2 }));
    expect(root.innerHTML).toBe(normal(list(0, 3)));
    applyUpdate(root, stream('insert_after', '1:5', '<li>5</li>', { ref: '1:0', limit: 2 }));
    expect(root.innerHTML).toBe(normal(list(5, 3)));
  });

  it('leave nested lists alone when trimming', () => {
    const nested = (keys: number[]) => `<div><!--[1-->${keys.map((k) => `<!--:${k}--><p>${k}</p><!--[2--><!--:a-->a<!--:b-->b<!--]-->`).join('')}<!--]--></div>`;
    const { root, normal } = page(nested([1, 2]));
    applyUpdate(root, stream('append', '1:3', '<p>3</p><!--[2--><!--:a-->a<!--:b-->b<!--]-->', { limit: 2 }));
    expect(root.innerHTML).toBe(normal(nested([2, 3])));
  });

  it('are refused as any update is when not marked as a stream’s', () => {
    const { root } = page(list(1));
    expect(() => applyUpdate(root, update('append', '1:1', '<li>1</li>'))).toThrow(ApplyError);
    expect(() => applyUpdate(root, update('remove', '1:9'))).toThrow(ApplyError);
  });
});
