import { applyUpdates } from '@statetemplate/client';
import Mustache from 'mustache';
import { describe, expect, it } from 'vitest';
import { compile, type RenderState, type SharedStates } from '../src/index.js';
import { Changer } from './property/changes.js';
import { generateObject, type Data } from './property/data-gen.js';
import { canonicalHtml, loadPage, loadReference, markedHtml } from './property/dom.js';
import { baseSeed, caseSeed, Rng } from './property/rng.js';
import { generateTemplate } from './property/template-gen.js';
import { Ids } from './property/values.js';

const pick = (data: Data, names: readonly string[]) => Object.fromEntries(names.filter((n) => n in data).map((n) => [n, data[n]]));

describe('shared regions', () => {
  const template = compile('<h1>Hello {{user}}</h1><ul>{{#todos}}<li>{{text}}</li>{{/todos}}</ul><p>{{count}} left</p>');

  it('plans only the regions that read a shared name', () => {
    const plan = template.sharedPlan(['todos', 'count'])!;
    expect(plan.slots).toEqual([1, 2]);
    expect(template.sharedPlan(['user'])!.slots).toEqual([0]);
    expect(template.sharedPlan(['nothing'])!.slots).toEqual([]);
  });

  it('refuses names the root itself reads outside any region', () => {
    // An unbalanced section is no region: its lookup is the root's own.
    const page = compile('{{#wide}}<div class="wide">{{/wide}}<p>{{#todos}}<i>{{.}}</i>{{/todos}}</p>{{#wide}}</div>{{/wide}}');
    expect(page.sharedPlan(['wide'])).toBeNull();
    expect(page.sharedPlan(['todos'])!.slots).toEqual([0]);
  });

  it('diffs the shared regions once, and the result applies to every page sharing them', () => {
    const plan = template.sharedPlan(['todos', 'count'])!;
    const before = { todos: [{ id: 1, text: 'a' }], count: 1 };
    const after = { todos: [{ id: 1, text: 'a' }, { id: 2, text: 'b' }], count: 2 };
    const canonical = template.renderShared(plan, before)!;
    const diff = template.updateShared(plan, canonical, after, { now: 1 })!;
    for (const user of ['ann', 'bob']) {
      const { html, state } = template.render({ user, ...before });
      const shared = template.shareStates(state, plan, canonical)!;
      expect(shared).not.toBeNull();
      const page = loadPage(html, false);
      applyUpdates(page, diff.updates);
      expect(page.textContent).toBe(`Hello ${user}ab2 left`);
      const next = template.adoptShared(shared, plan, canonical, diff.states)!;
      expect(template.update(next, { user, ...after })).toEqual([]);
    }
  });

  it('gives up where a shared region reads another root name', () => {
    const plan = template.sharedPlan(['todos', 'count'])!;
    // An item without `text` falls back to the root, where each page's own data may hold one.
    expect(template.renderShared(plan, { todos: [{ id: 1 }], count: 1 })).toBeNull();
    const canonical = template.renderShared(plan, { todos: [{ id: 1, text: 'a' }], count: 1 })!;
    expect(template.updateShared(plan, canonical, { todos: [{ id: 1 }], count: 1 })).toBeNull();
  });

  it('adopts only states that are the very objects the diff started from', () => {
    const plan = template.sharedPlan(['todos', 'count'])!;
    const data = { todos: [{ id: 1, text: 'a' }], count: 1 };
    const canonical = template.renderShared(plan, data)!;
    const { state } = template.render({ user: 'ann', ...data });
    expect(template.adoptShared(state, plan, canonical, canonical)).toBeNull();
    const { state: other } = template.render({ user: 'ann', todos: [], count: 0 });
    expect(template.shareStates(other, plan, canonical)).toBeNull();
  });
});

/**
 * Random templates and data: a random part of the root's fields is shared.
 * Each step changes only the shared part; pages whose shared regions match
 * the shared states take the shared diff, the others their own, and after
 * every step each page equals a fresh render.
 */
describe(`property: shared diffs patch every page sharing them (seed ${baseSeed()})`, () => {
  const seed = baseSeed();
  const CASES = 250;
  const STEPS = 5;

  it(`holds for ${CASES} random templates`, () => {
    let sharedSteps = 0;
    for (let index = 0; index < CASES; index++) sharedSteps += runSharedCase(seed, index, STEPS);
    // The shared path must really run, not only the fallback.
    expect(sharedSteps).toBeGreaterThan(CASES);
  }, 120_000);
});

function runSharedCase(seed: number, index: number, steps: number): number {
  const rng = new Rng(caseSeed(seed, 900_000 + index));
  const generated = generateTemplate(rng, false);
  const ids = new Ids(rng);
  const tpl = compile(generated.template, { partials: generated.partials });
  const where = `case ${index} (seed ${seed})\n${generated.template}`;
  let data = generateObject(generated.shape, rng, ids);
  const names = Object.keys(data).filter(() => rng.chance(0.5));
  const plan = tpl.sharedPlan(names);
  if (plan === null) return 0;
  // Two pages of the same shared data, each with its own other fields.
  const own = Object.keys(data).filter((k) => !names.includes(k));
  const second = { ...generateObject(generated.shape, rng, ids), ...pick(data, names) };
  const pages = [data, second].map((d) => {
    const { html, state } = tpl.render(d);
    return { data: d, page: loadPage(html, false), state: state as RenderState };
  });
  let canonical: SharedStates | null = tpl.renderShared(plan, pick(data, names));
  let shared = 0;
  const changer = new Changer(rng, ids, generated.shape);
  for (let step = 1; step <= steps; step++) {
    const changed = changer.step(structuredClone(data), 'fresh').data;
    const next = pick(changed, names);
    const diff = canonical && tpl.updateShared(plan, canonical, next, { now: step });
    for (const p of pages) {
      const view = { ...pick(p.data, own), ...next };
      const matched = canonical && diff ? tpl.shareStates(p.state, plan, canonical) : null;
      if (matched && diff) {
        applyUpdates(p.page, diff.updates);
        p.state = tpl.adoptShared(matched, plan, canonical!, diff.states)!;
        shared++;
      } else {
        applyUpdates(p.page, tpl.update(p.state, view));
      }
      p.data = view;
      const expected = markedHtml(loadReference(Mustache.render(generated.template, view, generated.partials), false));
      const actual = canonicalHtml(p.page.cloneNode(true) as Element);
      if (actual !== expected) throw new Error(`${where}\nstep ${step}: patched page differs\nexpected ${expected}\nactual   ${actual}`);
      const rebuilt = markedHtml(loadReference(tpl.renderState(p.state), false));
      const patched = markedHtml(p.page.cloneNode(true) as Element);
      if (rebuilt !== patched) throw new Error(`${where}\nstep ${step}: renderState differs from the page\nexpected ${patched}\nactual   ${rebuilt}`);
    }
    canonical = diff ? diff.states : tpl.renderShared(plan, next);
    data = { ...pick(data, own), ...next };
  }
  return shared;
}
