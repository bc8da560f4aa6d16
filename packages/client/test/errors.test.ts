import { describe, expect, it } from 'vitest';
import type { Update } from '@statetemplate/protocol';
import { ApplyError, applyUpdate, type ApplyErrorCode } from '../src/index.js';
import { page, update } from './dom.js';

const fixture =
  '<ul><!--[1--><!--:a--><li>a</li><!--:b--><li>b<!--[2-->x<!--]--></li><!--]--></ul>' +
  '<ol><!--[5--><!--:p--><li>p</li><!--]--></ol>' +
  '<!--[x y--><p><!--[7-->never closed</p>';

const refusals: [string, Update, ApplyErrorCode][] = [
  ['an unknown region', update('replace', '9', 'z'), 'not_found'],
  ['an unknown nested region', update('replace', '1/9', 'z'), 'not_found'],
  ['a region nested elsewhere', update('replace', '5/2', 'z'), 'not_found'],
  ['an unknown item key', update('replace', '1:zz', 'z'), 'not_found'],
  ['a key on a region that is not a list', update('replace', '1:b/2:q', 'z'), 'not_found'],
  ['a region id only a user comment carries', update('replace', 'x y', 'z'), 'not_found'],
  ['a region whose end marker is missing', update('replace', '7', 'z'), 'not_found'],
  ['an empty fragment id', update('replace', '', 'z'), 'not_found'],
  ['a missing fragment id', { action: 'append', html: '', timestamp: 0 } as unknown as Update, 'not_found'],
  ['remove of a region', update('remove', '1'), 'not_an_item'],
  ['move_first of a region', update('move_first', '1:b/2'), 'not_an_item'],
  ['move_after of an unknown item', update('move_after', '1:zz', '', '1:a'), 'not_found'],
  ['append without a key', update('append', '1', '<li>z</li>'), 'not_an_item'],
  ['append with a key that is not encoded', update('append', '1:bad key', '<li>z</li>'), 'not_an_item'],
  ['append of an item to the root', update('append', '0:z', '<li>z</li>'), 'not_an_item'],
  ['append to an unknown list', update('append', '9:z', '<li>z</li>'), 'not_found'],
  ['append of an item that exists', update('append', '1:a', '<li>a</li>'), 'duplicate_item'],
  ['prepend of an item that exists', update('prepend', '1:b', '<li>b</li>'), 'duplicate_item'],
  ['insert_after without ref', update('insert_after', '1:z', '<li>z</li>'), 'bad_ref'],
  ['insert_after an unknown ref', update('insert_after', '1:z', '<li>z</li>', '1:zz'), 'bad_ref'],
  ['insert_after an item of another list', update('insert_after', '1:z', '<li>z</li>', '5:p'), 'bad_ref'],
  ['insert_after a region', update('insert_after', '1:z', '<li>z</li>', '1'), 'bad_ref'],
  ['move_after without ref', update('move_after', '1:a'), 'bad_ref'],
  ['move_after an item of another list', update('move_after', '1:a', '', '5:p'), 'bad_ref'],
  ['an unknown action', update('morph', '1', 'z'), 'unknown_action'],
];

describe('refused updates', () => {
  it.each(refusals)('%s throws ApplyError and leaves the DOM untouched', (_, bad, code) => {
    const { root } = page(fixture);
    const before = root.innerHTML;
    let error: unknown;
    try {
      applyUpdate(root, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ApplyError);
    expect(error).toMatchObject({ name: 'ApplyError', code, fragmentId: String(bad.fragment_id) });
    expect(root.innerHTML).toBe(before);
  });
});
