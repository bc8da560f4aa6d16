import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile, type ListState, type ScopeState } from '../src/index.js';
import { generated, interpreted, itemCheckOf, itemShape } from '../src/item-check.js';
import type { RegionNode } from '../src/nodes.js';
import { numericKeys } from '../src/keys.js';
import { Rng } from './property/rng.js';

/** Item bodies the fast check takes: values, sections with static bodies, child regions of those. */
const BODIES: [body: string, granularity: 'item' | 'value'][] = [
  ['<li class="{{#a}}x{{/a}}">{{b}} {{c.d}}</li>', 'item'],
  ['<li>{{^a}}none{{/a}}{{.}}</li>', 'item'],
  ['<li>{{#a}}yes{{/a}}{{b}}{{{c.d}}}</li>', 'item'],
  ['<tr><td>{{a}}</td><td>{{b}}</td><td>{{c.d}}</td></tr>', 'value'],
  ['<p title="{{^b}}-{{/b}}">{{#c}}c{{/c}}{{a}}</p>', 'item'],
];

const VALUES: unknown[] = [undefined, null, true, false, 0, 1, 2.5, '', 'x', '<b>', [], [1, 2], { d: 'q' }, { d: null }, { d: 0 }];

function value(rng: Rng): unknown {
  const roll = rng.int(0, 20);
  if (roll === 0) return () => 'f';
  if (roll === 1) return { d: () => 'g' };
  return rng.pick(VALUES);
}

function item(rng: Rng): unknown {
  if (rng.chance(0.05)) return rng.pick(['s', 3, null]);
  const out: Record<string, unknown> = {};
  for (const name of ['a', 'b', 'c']) if (rng.chance(0.85)) out[name] = value(rng);
  const id = rng.int(0, 5);
  if (id > 0) out.id = rng.pick([id, String(id), `0${id}`]);
  return out;
}

function data(rng: Rng, length: number): Record<string, unknown> {
  return { a: value(rng), b: value(rng), c: value(rng), items: Array.from({ length }, () => item(rng)) };
}

/** The list region's node and its state in a render. */
function list(template: ReturnType<typeof compile>, state: ScopeState): { node: RegionNode; state: ListState | ScopeState } {
  const node = template.nodes.find((n): n is RegionNode => n.kind === 'region')!;
  return { node, state: state.c![0]! as ListState };
}

/** What an item state records, comparable. */
const recorded = (s: ScopeState) => JSON.stringify(s);

describe('the fast check of kept list items', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says "unchanged" only for items a fresh render records alike, and agrees between its generated and portable forms', () => {
    const rng = new Rng(20261202);
    let decided = 0;
    for (let round = 0; round < 400; round++) {
      const [body, granularity] = rng.pick(BODIES);
      const template = compile(`<ul>{{#items}}${body}{{/items}}</ul>`, { granularity });
      const before = data(rng, rng.int(1, 6));
      const after = rng.chance(0.5) ? data(rng, (before.items as unknown[]).length) : { ...before, items: (before.items as unknown[]).map((x) => (rng.chance(0.5) ? x : item(rng))) };
      const old = list(template, template.render(before).state.r);
      const fresh = list(template, template.render(after).state.r);
      const kept = old.state;
      if (!('k' in kept)) continue; // not a list this time: the general walk's
      const section = old.node.list!;
      const shape = itemShape(section);
      expect(shape, body).not.toBeNull();
      const forms = [generated(shape!, 'id')!, interpreted(shape!, 'id')];
      const items = after.items as unknown[];
      for (let i = 0; i < items.length; i++) {
        const results = forms.map((form) => form.check(items[i], kept.i[i]!));
        expect(results[0], `${body} ${i}`).toBe(results[1]);
        if (results[0] === undefined || !('k' in fresh.state)) continue;
        decided++;
        expect(results[0], `${body}: item ${JSON.stringify(items[i])} against ${recorded(kept.i[i]!)}`).toBe(recorded(fresh.state.i[i]!) === recorded(kept.i[i]!));
      }
      const numbers = numericKeys(kept.k);
      for (const indexed of [false, true]) {
        const scans = forms.map((form) => form.scan(items, 0, items.length, 0, { states: kept.i, keys: kept.k, numbers, memo: null }, indexed, null));
        expect(scans[0]).toBe(scans[1]);
        // An immutable diff: items that are the objects rendered before (and read only themselves) are skipped unchecked.
        const memo = { items: before.items as unknown[], free: Uint8Array.from(kept.i, () => (rng.chance(0.7) ? 1 : 0)) };
        const frees = forms.map(() => new Uint8Array(items.length));
        const skips = forms.map((form, f) => form.scan(items, 0, items.length, 0, { states: kept.i, keys: kept.k, numbers, memo }, indexed, frees[f]!));
        expect(skips[0]).toBe(skips[1]);
        expect([...frees[0]!]).toEqual([...frees[1]!]);
        for (let i = 0; i < skips[0]!; i++) expect(frees[0]![i]).toBe(1);
      }
    }
    // The generator must reach the decided cases, not only the ones left to the walk.
    expect(decided).toBeGreaterThan(300);
  });

  it('leaves bodies with nested dynamic sections, regions or recursive partials to the general walk', () => {
    for (const body of ['<li>{{#a}}{{b}}{{/a}}</li>', '<li>{{>p}}</li>', '<li>{{#a}}<i>{{#b}}x{{/b}}</i>{{/a}}</li>', '<p title="{{a}}">{{#c}}c{{/c}}</p>']) {
      const template = compile(`<ul>{{#items}}${body}{{/items}}</ul>`, { partials: { p: '{{a}}{{#a}}{{>p}}{{/a}}' }, granularity: body.startsWith('<p') ? 'value' : 'item' });
      const node = template.nodes.find((n): n is RegionNode => n.kind === 'region')!;
      expect(itemShape(node.list!), body).toBeNull();
    }
  });

  it('diffs alike where the runtime refuses generated code', () => {
    vi.stubGlobal('Function', function refused() {
      throw new EvalError('code generation from strings disallowed for this context');
    });
    const template = compile('<ul>{{#items}}<li class="{{#done}}done{{/done}}">{{text}}</li>{{/items}}</ul>');
    const node = template.nodes.find((n): n is RegionNode => n.kind === 'region')!;
    expect(generated(itemShape(node.list!)!, 'id')).toBeNull();
    expect(itemCheckOf(node.list!, 'id')).not.toBeNull();
    const items = Array.from({ length: 5 }, (_, i) => ({ id: i, text: `t${i}`, done: false }));
    const { state } = template.render({ items });
    items[3] = { ...items[3]!, done: true };
    expect(template.update(state, { items }, { now: 0 })).toEqual([{ fragment_id: '1:3', action: 'attrs', html: '', attrs: [{ element: 0, set: 'class=done' }], timestamp: 0 }]);
  });
});
