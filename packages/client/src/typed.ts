/**
 * What the user typed, chose or ticked in a form field, against what the
 * server rendered there (the field's defaults: the `value` attribute, a
 * textarea's text, `checked`, `selected`). Files are left out: a page cannot
 * set them back.
 */
import { matching, XHTML } from './span.js';

type Field = HTMLInputElement;

const FIELDS = 'input:not([type=file]),textarea,select';

/** The field's state as a string: its value, its checkedness, or its selected options. */
function state(field: Field, defaults: boolean): string {
  if (field.localName === 'select') {
    const options = [...(field as unknown as HTMLSelectElement).options];
    const chosen = options.filter((o) => (defaults ? o.defaultSelected : o.selected));
    // A single select shows its last selected option, or without one its first enabled one.
    if (defaults && !field.multiple) return (chosen.pop() ?? options.find((o) => !o.disabled))?.value ?? '';
    return chosen.map((o) => o.value).join('\n');
  }
  if (field.type === 'checkbox' || field.type === 'radio') return String(defaults ? field.defaultChecked : field.checked);
  return defaults ? field.defaultValue : field.value;
}

function restore(field: Field, value: string): void {
  if (field.localName === 'select') {
    const chosen = value.split('\n');
    for (const option of (field as unknown as HTMLSelectElement).options) option.selected = chosen.includes(option.value);
  } else if (field.type === 'checkbox' || field.type === 'radio') field.checked = value === 'true';
  else field.value = value;
}

/** Whether the user changed the field from what the server rendered. */
export function changed(field: Element): boolean {
  return field.namespaceURI === XHTML && field.matches(FIELDS) && state(field as Field, false) !== state(field as Field, true);
}

/** The fields at or under `nodes`, in document order. */
function fieldsIn(nodes: Node[]): Field[] {
  const found: Field[] = [];
  for (const node of nodes) {
    if (node.nodeType !== 1) continue;
    // A MathML or SVG element may be named "select" or "input" too.
    for (const field of matching(node as Element, FIELDS)) if (field.namespaceURI === XHTML) found.push(field as Field);
  }
  return found;
}

/** Each field with a key that finds its counterpart in new html: its form, then its id or name and rank. */
function keyed(fields: Field[]): Map<string, Field> {
  const found = new Map<string, Field>();
  for (const f of fields) {
    const form = f.form;
    const base = `${form ? form.id || form.getAttribute('data-st-submit') : ''} ${f.id || f.name || f.localName}`;
    let rank = 0;
    while (found.has(`${base} ${rank}`)) rank++;
    found.set(`${base} ${rank}`, f);
  }
  return found;
}

/**
 * Call before `old` is replaced by `fresh`; run the returned function once
 * `fresh` is in the page. A field the user changed keeps the user's value in
 * its counterpart when the server still renders what it rendered before:
 * typing is not lost to an update (a reconnect's replay, a resync) that did
 * not change that field. When the server's value changed, the server's wins.
 */
export function carryTyped(old: Node[], fresh: DocumentFragment): () => void {
  const fields = fieldsIn(old);
  // Keys only where something is to carry: most updates replace fields nobody touched.
  if (!fields.some(changed)) return () => undefined;
  const typed = [...keyed(fields)].filter(([, field]) => changed(field)).map(([key, field]) => [key, state(field, true), state(field, false)] as const);
  const nodes = [...fresh.childNodes];
  return () => {
    const now = keyed(fieldsIn(nodes));
    for (const [key, server, user] of typed) {
      const twin = now.get(key);
      if (twin && state(twin, true) === server) restore(twin, user);
    }
  };
}
