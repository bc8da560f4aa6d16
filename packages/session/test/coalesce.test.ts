import { describe, expect, it } from 'vitest';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import { compile } from '@statetemplate/core';
import { isWithin, ROOT_ID, type Action, type Update } from '@statetemplate/protocol';
import { coalesce } from '../src/coalesce.js';
import { page } from './fixtures.js';

function u(fragment_id: string, action: Action = 'replace', html = ''): Update {
  return { fragment_id, action, html, timestamp: 0 };
}

/** The rule spelled out with isWithin, one pair at a time: the oracle for the fast version. */
function naive(updates: Update[]): Update[] {
  return updates.filter((older, i) =>
    !updates.slice(i + 1).some((newer) =>
      newer.action === 'replace' &&
      (older.fragment_id === newer.fragment_id ? older.action === 'replace' : isWithin(older.fragment_id, newer.fragment_id)),
    ),
  );
}

describe('coalesce', () => {
  it('drops older updates inside a replaced fragment and older replaces of it', () => {
    const updates = [u('3:42/7'), u('3:42', 'replace', 'old'), u('3:43', 'append'), u('5'), u('3:42', 'replace', 'new')];
    expect(coalesce(updates)).toEqual([u('3:43', 'append'), u('5'), u('3:42', 'replace', 'new')]);
  });

  it('keeps adds, removes and moves of the replaced fragment itself, which place it', () => {
    const updates = [u('3:42', 'remove'), u('3:42', 'append'), u('3:42', 'move_first'), u('3:42')];
    expect(coalesce(updates)).toEqual(updates);
  });

  it('keeps fragments that only share a prefix of characters', () => {
    const updates = [u('35'), u('3:421'), u('3:42/10'), u('3:42')];
    expect(coalesce(updates)).toEqual([u('35'), u('3:421'), u('3:42')]);
  });

  it('lets a replace of the root supersede everything before it', () => {
    const updates = [u('1'), u('2:9', 'append'), u('2:9', 'remove'), u(ROOT_ID, 'replace', 'page'), u('1')];
    expect(coalesce(updates)).toEqual([u(ROOT_ID, 'replace', 'page'), u('1')]);
  });

  it('agrees with the isWithin rule on random sequences', { timeout: HEAVY_TEST_MS }, () => {
    const ids = ['0', '1', '1/2', '1/2:a', '1/2:a/3', '1/2:b', '1/2:ab', '4', '4:x', '4:x/5', '4:xy'];
    const actions: Action[] = ['replace', 'replace', 'append', 'remove', 'move_first'];
    let seed = 11;
    const pick = <T>(list: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return list[seed % list.length]!;
    };
    for (let round = 0; round < 300; round++) {
      const updates = Array.from({ length: 1 + (round % 30) }, (_, i) => u(pick(ids), pick(actions), String(i)));
      expect(coalesce(updates)).toEqual(naive(updates));
    }
  });

  it('leaves the DOM exactly as applying every update would, over random list edits', { timeout: HEAVY_TEST_MS }, () => {
    const template = compile(
      '<h1>{{title}}</h1><ul>{{#items}}<li>{{name}}{{#tags}}<b>{{.}}</b>{{/tags}}{{#open}}<i>open</i>{{/open}}</li>{{/items}}</ul><p>{{items.length}}</p>',
    );
    type Item = { id: number; name: string; tags: string[]; open: boolean };
    let seed = 5;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    let nextId = 0;
    const item = (): Item => ({ id: nextId++, name: `n${rnd(100)}`, tags: rnd(2) ? ['a'] : [], open: rnd(2) === 0 });
    for (let run = 0; run < 15; run++) {
      let data = { title: 't', items: Array.from({ length: 5 }, item) };
      const { html, state } = template.render(data);
      const all: Update[] = [];
      for (let step = 0; step < 40; step++) {
        const items = [...data.items];
        const op = rnd(5);
        if (op === 0) items.splice(rnd(items.length + 1), 0, item());
        else if (op === 1 && items.length > 0) items.splice(rnd(items.length), 1);
        else if (op === 2 && items.length > 1) items.unshift(...items.splice(rnd(items.length), 1));
        else if (items.length > 0) {
          const i = rnd(items.length);
          items[i] = { ...items[i]!, name: `n${rnd(100)}`, open: !items[i]!.open, tags: rnd(2) ? ['a', 'b'] : [] };
        }
        data = { title: rnd(4) === 0 ? `t${step}` : data.title, items };
        all.push(...template.update(state, data));
      }
      const full = page(html);
      full.apply(all);
      const coalesced = page(html);
      coalesced.apply(coalesce(all));
      expect(coalesced.html()).toBe(full.html());
    }
  });
});
