import { applyUpdates } from '@statetemplate/client';
import { describe, expect, it } from 'vitest';
import { compile, StreamError, type Template, type TemplateStream, type Update } from '../src/index.js';
import { canonicalHtml, loadPage, loadReference, markedHtml } from './property/dom.js';
import { baseSeed, Rng } from './property/rng.js';
import { htmlValue } from './property/values.js';

/**
 * Random sequences of stream operations, built as the session builds them
 * and applied by the real client in jsdom, against a model of the items the
 * page should hold: after every step the page must be, node for node and
 * marker for marker, a fresh render of the template with the model's items.
 * Trims, moves, inserts of items already there, and updates, deletes and
 * inserts after items the page no longer holds are all in the mix; raw
 * values come partly from the hostile corpus (an item that cannot be patched
 * alone is refused, and the page stays as it was).
 */
const TEMPLATES = [
  '<h1>{{title}}</h1><ul>{{#messages}}<li class="{{kind}}">{{text}}</li>{{/messages}}</ul>',
  '<table><tbody>{{#messages}}<tr><td>{{text}}</td><td>{{{html}}}</td></tr>{{/messages}}</tbody></table><p>{{title}}</p>',
  '<div>{{#messages}}<p>{{text}}</p>{{#tags}}<b>{{.}}</b>{{/tags}}{{^tags}}none{{/tags}}{{/messages}}</div>{{title}}',
  '<p>{{title}}: {{#messages}}{{text}}{{{html}}}, {{/messages}}end</p>',
  '<svg>{{#messages}}<circle r="{{n}}"></circle><text>{{text}}</text>{{/messages}}</svg><i>{{title}}</i>',
  '<section class="{{title}}"><ol>{{#messages}}<li>{{text}}<ul>{{#tags}}<li>{{.}}</li>{{/tags}}</ul></li>{{/messages}}</ol></section>',
];

interface Item {
  id: number;
  text: string;
  kind: string;
  html: string;
  n: number;
  tags: string[];
}

const seed = baseSeed();
const CASES = 80;
const STEPS = 25;

function item(rng: Rng, id: number): Item {
  return {
    id,
    text: rng.pick(['hi', 'a &amp; b', '', 'x<y', 'long message text']),
    kind: rng.pick(['', 'mine', 'theirs']),
    html: rng.chance(0.3) ? htmlValue(rng) : '',
    n: rng.int(0, 9),
    tags: rng.chance(0.5) ? ['t1', 't2'].slice(rng.int(0, 2)) : [],
  };
}

/** A model step: the updates it sends, and what it does to the model when they apply. */
interface Step {
  what: string;
  build(): Update[];
  apply(model: Item[]): Item[];
}

const stamp = (update: Omit<Update, 'timestamp'>): Update => ({ ...update, timestamp: 0 });

function trim(items: Item[], limit: number | undefined, fromEnd: boolean): Item[] {
  if (limit === undefined || items.length <= limit) return items;
  return fromEnd ? items.slice(0, limit) : items.slice(items.length - limit);
}

function randomStep(rng: Rng, stream: TemplateStream, model: readonly Item[], nextId: () => number): Step {
  const known = () => (model.length > 0 && rng.chance(0.8) ? rng.pick(model).id : rng.int(0, 40));
  const limit = rng.chance(0.3) ? rng.int(1, 6) : undefined;
  const kind = rng.weighted<string>([[4, 'append'], [2, 'prepend'], [2, 'after'], [2, 'upsert'], [2, 'update'], [2, 'delete'], [1, 'reset']]);
  const fresh = item(rng, rng.chance(0.4) ? known() : nextId());
  const without = (items: readonly Item[], id: number) => items.filter((m) => m.id !== id);
  const replaced = (items: readonly Item[]) => items.map((m) => (m.id === fresh.id ? fresh : m));
  const has = (id: number) => model.some((m) => m.id === id);
  switch (kind) {
    case 'append':
    case 'prepend': {
      const start = kind === 'prepend';
      return {
        what: `${kind} ${fresh.id} limit ${limit}`,
        build: () => [stamp({ ...stream.renderItem(fresh), action: kind, stream: 1, ...(limit && { limit }) })],
        apply: (items) => trim(start ? [fresh, ...without(items, fresh.id)] : [...without(items, fresh.id), fresh], limit, start),
      };
    }
    case 'upsert':
      return {
        what: `insert ${fresh.id} where it is, else at the end, limit ${limit}`,
        build: () => [stamp({ ...stream.renderItem(fresh), action: 'append', stream: 2, ...(limit && { limit }) })],
        apply: (items) => trim(has(fresh.id) ? replaced(items) : [...items, fresh], limit, false),
      };
    case 'after': {
      const ref = known();
      if (ref === fresh.id) return randomStep(rng, stream, model, nextId);
      return {
        what: `insert ${fresh.id} after ${ref} limit ${limit}`,
        build: () => [stamp({ ...stream.renderItem(fresh), action: 'insert_after', ref: stream.itemId(ref), stream: 1, ...(limit && { limit }) })],
        apply: (items) => {
          if (!items.some((m) => m.id === ref)) return items;
          const rest = without(items, fresh.id);
          const at = rest.findIndex((m) => m.id === ref) + 1;
          return trim([...rest.slice(0, at), fresh, ...rest.slice(at)], limit, false);
        },
      };
    }
    case 'update':
      return { what: `update ${fresh.id}`, build: () => [stamp({ ...stream.renderItem(fresh), action: 'replace', stream: 1 })], apply: replaced };
    case 'delete': {
      const id = known();
      return { what: `delete ${id}`, build: () => [stamp({ fragment_id: stream.itemId(id), html: '', action: 'remove', stream: 1 })], apply: (items) => without(items, id) };
    }
    default: {
      const ids = [...new Set(Array.from({ length: rng.int(0, 5) }, () => rng.int(0, 40)))];
      const items = ids.map((id) => item(rng, id));
      return { what: `reset ${ids.join(',')}`, build: () => [stamp({ fragment_id: stream.fragmentId, html: stream.renderItems(items), action: 'replace', stream: 1 })], apply: () => items };
    }
  }
}

/** The page a fresh render of `items` gives, as canonical and as marked html. */
function reference(template: Template, title: string, items: readonly Item[]): [string, string] {
  const root = loadReference(template.render({ title, messages: items }).html, false);
  return [markedHtml(root.cloneNode(true) as Element), canonicalHtml(root)];
}

function runCase(index: number): number {
  const rng = new Rng(seed + index * 7919);
  const source = TEMPLATES[index % TEMPLATES.length]!;
  const template = compile(source, { streams: ['messages'] });
  const stream = template.stream('messages');
  let id = 100;
  const nextId = () => id++;
  let model = Array.from({ length: rng.int(0, 4) }, () => item(rng, nextId()));
  let title = 'start';
  let first: string;
  try {
    first = template.render({ title, messages: model }).html;
  } catch (error) {
    if (!(error instanceof StreamError)) throw error;
    model = [];
    first = template.render({ title, messages: model }).html;
  }
  const state = template.render({ title, messages: model }).state;
  const page = loadPage(first, false);
  const log: string[] = [];
  let applied = 0;
  for (let step = 0; step < STEPS; step++) {
    if (rng.chance(0.15)) {
      // A render of the rest of the page, its data holding the model's items: a region around the stream
      // that re-renders shows the data's items (the stream's own list is never read again).
      title = rng.pick(['start', 'next', 'other']);
      log.push(`render ${title}`);
      applyUpdates(page, template.update(state, { title, messages: model }));
    } else {
      const op = randomStep(rng, stream, model, nextId);
      log.push(op.what);
      let updates: Update[];
      try {
        updates = op.build();
      } catch (error) {
        if (!(error instanceof StreamError)) throw error;
        log.push(`  refused: ${error.code}`);
        continue;
      }
      applyUpdates(page, updates);
      model = op.apply(model);
      applied++;
    }
    const [marked, canonical] = reference(template, title, model);
    const context = `seed ${seed}, case ${index}, template ${source}\nsteps:\n${log.join('\n')}`;
    expect(markedHtml(page.cloneNode(true) as Element), context).toBe(marked);
    expect(canonicalHtml(page.cloneNode(true) as Element), context).toBe(canonical);
  }
  return applied;
}

describe('streams, property', () => {
  it(`${CASES} random sequences of stream operations end as a fresh render of the model's items`, { timeout: 120_000 }, () => {
    let applied = 0;
    for (let index = 0; index < CASES; index++) applied += runCase(index);
    // Most steps must really apply, or the property says little.
    expect(applied).toBeGreaterThan(CASES * STEPS * 0.5);
  });
});
