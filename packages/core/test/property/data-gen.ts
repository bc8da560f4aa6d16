import type { Rng } from './rng.js';
import type { FieldShape, ObjectShape } from './shape.js';
import { flagValue, htmlValue, textValue, type Ids } from './values.js';

export type Data = Record<string, unknown>;

const MAX_LIST_DEPTH = 3;

/** Random data of `shape`. Every field is present (possibly as undefined or null). */
export function generateObject(shape: ObjectShape, rng: Rng, ids: Ids, depth = 0): Data {
  const out: Data = {};
  for (const [name, field] of shape.fields) out[name] = generateField(field, rng, ids, depth);
  return out;
}

/** A list item: a fresh unique `id` plus the item shape's fields. */
export function generateItem(shape: ObjectShape, rng: Rng, ids: Ids, depth: number): Data {
  return { id: ids.next(), ...generateObject(shape, rng, ids, depth) };
}

export function generateList(shape: ObjectShape, rng: Rng, ids: Ids, depth: number): Data[] {
  // Nested lists stay short (every outer item carries its own copy), and end
  // at some depth: a recursive list (a tree) has no other bottom.
  const length = depth >= MAX_LIST_DEPTH ? 0 : rng.int(0, depth === 0 ? 4 : 2);
  return Array.from({ length }, () => generateItem(shape, rng, ids, depth + 1));
}

export function generateField(field: FieldShape, rng: Rng, ids: Ids, depth: number): unknown {
  switch (field.kind) {
    case 'text':
      return textValue(rng);
    case 'html':
      return htmlValue(rng);
    case 'flag':
      return flagValue(rng);
    case 'object':
      return rng.chance(0.2) ? null : generateObject(field.shape, rng, ids, depth);
    case 'list':
      return generateList(field.item, rng, ids, depth);
  }
}
