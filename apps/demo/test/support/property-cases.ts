import { compile, type Update } from '@statetemplate/core';
// The core's property-test generator: random valid templates, data and change sequences.
import { Changer, type Style } from '../../../../packages/core/test/property/changes.js';
import { generateObject } from '../../../../packages/core/test/property/data-gen.js';
import { caseSeed, Rng } from '../../../../packages/core/test/property/rng.js';
import { generateTemplate } from '../../../../packages/core/test/property/template-gen.js';
import { Ids } from '../../../../packages/core/test/property/values.js';

export { baseSeed } from '../../../../packages/core/test/property/rng.js';
export type { Style };

/** One generated case, computed in Node, for the browser to replay. */
export interface BrowserCase {
  index: number;
  /** Replays the case alone: the same base seed and index. */
  seed: number;
  /** A whole page (doctype, head, title) rather than body content. */
  whole: boolean;
  template: string;
  /** The annotated first render. */
  html: string;
  /** Per step: the updates core produced, and the plain render the patched page must equal. */
  steps: { updates: Update[]; expected: string }[];
}

/** Case `index` of a run from `base`: a template, its first render and `steps` changes. */
export function browserCase(base: number, index: number, style: Style, whole: boolean, steps: number): BrowserCase {
  const seed = caseSeed(base, index);
  const rng = new Rng(seed);
  const generated = generateTemplate(rng, whole);
  const ids = new Ids(rng);
  const template = compile(generated.template, { partials: generated.partials });
  let data = generateObject(generated.shape, rng, ids);
  const { html, state } = template.render(data);
  const changer = new Changer(rng, ids, generated.shape);
  const out: BrowserCase['steps'] = [];
  for (let step = 0; step < steps; step++) {
    data = changer.step(data, style).data;
    out.push({ updates: template.update(state, data), expected: template.renderPlain(data) });
  }
  return { index, seed, whole, template: generated.template, html, steps: out };
}
