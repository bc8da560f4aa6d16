import { ROOT_ID, type Update } from '@statetemplate/protocol';
import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../src/index.js';
import { markerIndex, patched, track } from '../src/marker-index.js';
import { page, update } from './dom.js';

/**
 * Property test: random sequences of updates to a keyed list whose items
 * hold keyed lists, some with a script changing the DOM in between (in ways
 * that keep what the page shows). After every step the page must equal a
 * fresh render of the model, and the patcher's marker index a fresh scan.
 * The seed is random unless STATETEMPLATE_SEED is set; failures print it.
 */
const seed = Number(process.env.STATETEMPLATE_SEED ?? Math.floor(Math.random() * 2 ** 31));
const CASES = 60;
const STEPS = 40;

interface Sub {
  key: string;
  text: string;
}
interface Item extends Sub {
  subs: Sub[];
}
interface Model {
  title: string;
  items: Item[];
}

const subHtml = (s: Sub) => `<li>${s.text}</li>`;
const itemHtml = (i: Item) => `<li>${i.text}<ul><!--[3-->${i.subs.map((s) => `<!--:${s.key}-->${subHtml(s)}`).join('')}<!--]--></ul></li>`;
const listHtml = (items: Item[]) => items.map((i) => `<!--:${i.key}-->${itemHtml(i)}`).join('');
const render = (m: Model) => `<h1><!--[1-->${m.title}<!--]--></h1><ul><!--[2-->${listHtml(m.items)}<!--]--></ul>`;

/** mulberry32, as in bench/src/random.mjs. */
function random(start: number): (n: number) => number {
  let a = start >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function runCase(index: number): void {
  const below = random(seed + index);
  let fresh = 0;
  const text = () => `t${below(1000)}`;
  const newSub = (): Sub => ({ key: `s${fresh++}`, text: text() });
  const newItem = (): Item => ({ key: `k${fresh++}`, text: text(), subs: Array.from({ length: below(3) }, newSub) });
  const model: Model = { title: 'title', items: Array.from({ length: 3 + below(4) }, newItem) };
  const { root, normal } = page(render(model));
  const log: string[] = [];

  /** One random change: the update that makes it, applied to the model too; or a script's change. */
  const step = (): Update | string => {
    const { items } = model;
    const at = below(items.length);
    const it = items[at];
    switch (below(it ? 14 : 3)) {
      case 0: {
        const added = newItem();
        items.push(added);
        return update('append', `2:${added.key}`, itemHtml(added));
      }
      case 1: {
        const added = newItem();
        items.unshift(added);
        return update('prepend', `2:${added.key}`, itemHtml(added));
      }
      case 2:
        model.title = text();
        return update('replace', '1', model.title);
      case 3: {
        const added = newItem();
        items.splice(at + 1, 0, added);
        return update('insert_after', `2:${added.key}`, itemHtml(added), `2:${it!.key}`);
      }
      case 4:
        items.splice(at, 1);
        return update('remove', `2:${it!.key}`);
      case 5:
        items.splice(at, 1);
        items.unshift(it!);
        return update('move_first', `2:${it!.key}`);
      case 6: {
        const ref = items[below(items.length)]!;
        if (ref === it) return update('replace', `2:${it.key}`, itemHtml(it));
        items.splice(at, 1);
        items.splice(items.indexOf(ref) + 1, 0, it!);
        return update('move_after', `2:${it!.key}`, '', `2:${ref.key}`);
      }
      case 7:
        it!.text = text();
        it!.subs = Array.from({ length: below(3) }, newSub);
        return update('replace', `2:${it!.key}`, itemHtml(it!));
      case 8: {
        const added = newSub();
        it!.subs.push(added);
        return update('append', `2:${it!.key}/3:${added.key}`, subHtml(added));
      }
      case 9: {
        const sub = it!.subs[below(it!.subs.length)];
        if (!sub) return update('replace', `2:${it!.key}/3`, '');
        sub.text = text();
        return update('replace', `2:${it!.key}/3:${sub.key}`, subHtml(sub));
      }
      case 10: {
        const sub = it!.subs.shift();
        if (!sub) return update('replace', `2:${it!.key}/3`, '');
        return update('remove', `2:${it!.key}/3:${sub.key}`);
      }
      case 11:
        items.reverse();
        return update('replace', '2', listHtml(items));
      case 12: {
        // A script takes the item out and puts it back where it was.
        const list = root.querySelector('ul')!;
        const marker = [...list.childNodes].find((n) => n.nodeType === 8 && (n as Comment).data === `:${it!.key}`)!;
        const li = marker.nextSibling!;
        const after = li.nextSibling;
        marker.remove();
        li.remove();
        list.insertBefore(marker, after);
        list.insertBefore(li, after);
        return 'a script moved an item out and back';
      }
      default:
        if (below(2)) return update('replace', ROOT_ID, render(model));
        root.querySelector('ul')!.innerHTML = root.querySelector('ul')!.innerHTML;
        return 'a script re-rendered the list as it was';
    }
  };

  for (let s = 0; s < STEPS; s++) {
    const change = step();
    log.push(typeof change === 'string' ? change : JSON.stringify(change));
    const where = () => `seed ${seed}, case ${index}, after:\n${log.join('\n')}`;
    if (typeof change !== 'string') applyUpdate(root, change);
    expect(root.innerHTML, where()).toBe(normal(render(model)));
    const live = markerIndex(root);
    patched(root, live);
    const scan = new Map<string, Comment>();
    track(scan, { parent: root, after: null, before: null }, ROOT_ID, true);
    expect([...live.keys()].sort(), where()).toEqual([...scan.keys()].sort());
    for (const [id, node] of scan) expect(live.get(id) === node, `${id}: ${where()}`).toBe(true);
  }
}

describe('marker index property', () => {
  it(`random update sequences keep the page and the index equal to a fresh render and scan (seed ${seed})`, () => {
    for (let index = 0; index < CASES; index++) runCase(index);
  });
});
