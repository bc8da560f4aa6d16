/**
 * The shape of the data a generated template reads. The template generator
 * grows it while it writes tags; data and changes are generated from it
 * afterwards. Field names are unique across the whole shape, so a name can
 * only ever resolve to one owner on Mustache's context stack (this also keeps
 * clear of the "dotted names, context precedence" case where mustache.js
 * departs from the spec).
 */
export type FieldShape =
  /** Scalar shown by `{{x}}` (strings with HTML specials, numbers, booleans, null, undefined). */
  | { kind: 'text' }
  /** Safe phrasing HTML shown by `{{{x}}}`. */
  | { kind: 'html' }
  /** Drives `{{#x}}` / `{{^x}}` as a boolean (sometimes another truthy/falsy scalar). */
  | { kind: 'flag' }
  /** Object (or null) used by `{{#x}}` sections and dotted names. */
  | { kind: 'object'; shape: ObjectShape }
  /** Array of objects keyed by `id`. */
  | ListField;

export interface ListField {
  kind: 'list';
  item: ObjectShape;
  /** Rendered somewhere without markers (attribute value, textarea, title): no per-item ids there. */
  opaque: boolean;
}

export interface ObjectShape {
  fields: Map<string, FieldShape>;
}

export type ScalarKind = 'text' | 'html' | 'flag';

export function newShape(): ObjectShape {
  return { fields: new Map() };
}

/** Hands out the globally unique field names of one template. */
export class Names {
  private count = 0;

  next(kind: FieldShape['kind']): string {
    this.count += 1;
    return `${PREFIX[kind]}${this.count}`;
  }
}

const PREFIX: Record<FieldShape['kind'], string> = {
  text: 'txt',
  html: 'raw',
  flag: 'on',
  object: 'obj',
  list: 'list',
};
