import { walk, XHTML, type Span } from './span.js';

/** Where the user types: such an element keeps its own value and content while focused. */
const FIELD = 'input,textarea,select,[contenteditable]:not([contenteditable=false])';

/** The focused element inside some nodes about to be replaced or moved. */
export interface Focus {
  el: HTMLElement;
  field: boolean;
  /** Puts the caret and selection back as they were. */
  restore: () => void;
}

export function saveFocus(doc: Document, nodes: Node[]): Focus | null {
  const el = doc.activeElement as HTMLElement | null;
  if (!el || !nodes.some((n) => n.contains(el))) return null;
  // A focusable MathML or SVG element named "select" or "input" is no field.
  return { el, field: el.namespaceURI === XHTML && el.matches(FIELD), restore: caret(doc, el) };
}

/** Focuses `el` again where it stands now, without scrolling, and restores its caret. */
export function refocus(focus: Focus): void {
  focus.el.focus({ preventScroll: true });
  focus.restore();
}

function caret(doc: Document, el: HTMLElement): () => void {
  const input = el as HTMLInputElement;
  const { selectionStart: start, selectionEnd: end, selectionDirection: dir } = input;
  // Inputs without a caret (checkbox, number…) report null; other elements undefined.
  if (start != null) return () => input.setSelectionRange(start, end, dir ?? undefined);
  const sel = doc.getSelection();
  const anchor = sel?.anchorNode;
  const head = sel?.focusNode;
  if (!sel || !anchor || !head || !el.contains(anchor) || !el.contains(head)) return () => {};
  const { anchorOffset, focusOffset } = sel;
  return () => sel.setBaseAndExtent(anchor, anchorOffset, head, focusOffset);
}

/**
 * Call before `old` (the nodes of `span`) is replaced by `fresh`; run the
 * returned function once `fresh` is in the page. A focused field then takes
 * the place of its counterpart in `fresh`, keeping the user's value, content
 * and caret but taking the server's other attributes. When the counterpart
 * has another id (the server's way to reset a field), or the focus was not on
 * a field, the counterpart itself gets the focus.
 */
export function carryFocus(doc: Document, span: Span, old: Node[], fresh: DocumentFragment): () => void {
  const focus = saveFocus(doc, old);
  const twin = focus && counterpart(focus.el, span, fresh);
  return () => {
    if (!twin) return;
    if (!focus.field || twin.id !== focus.el.id) return (twin as HTMLElement).focus({ preventScroll: true });
    adopt(focus.el, twin);
    twin.replaceWith(focus.el);
    refocus(focus);
  };
}

/**
 * The element of `fresh` standing for `el`, an element of `span`: the one
 * with the same id, else the same name (the nth one for radio buttons), else
 * the nth element of the same tag.
 */
function counterpart(el: Element, span: Span, fresh: DocumentFragment): Element | undefined {
  const tagged = (s: Span) =>
    [...walk(s)].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === el.localName);
  const olds = tagged(span);
  const news = tagged({ parent: fresh, after: null, before: null });
  const by = (attr: string) => {
    const value = el.getAttribute(attr);
    const same = (e: Element) => e.getAttribute(attr) === value;
    return value === null ? undefined : news.filter(same)[olds.filter(same).indexOf(el)];
  };
  return by('id') ?? by('name') ?? news[olds.indexOf(el)];
}

/**
 * Gives `el` the attributes of `twin`, except its value: what the user
 * types wins while the field has the focus. The server's value (the `value`
 * attribute, a textarea's text) is set when the field loses it, and is shown
 * too unless the user changed the field meanwhile: a stale value does not stay.
 */
function adopt(el: Element, twin: Element): void {
  if (el.matches('textarea,input:not([type=checkbox],[type=radio])')) serverValueOnBlur(el as HTMLInputElement, twin.localName === 'textarea' ? twin.textContent : twin.getAttribute('value'));
  for (const { name } of [...el.attributes]) if (name !== 'value' && !twin.hasAttribute(name)) el.removeAttribute(name);
  // Moving Attr nodes skips setAttribute's name check, which rejects names the parser accepts (e.g. "@click").
  for (const attr of [...twin.attributes]) if (attr.name !== 'value') el.setAttributeNode(twin.removeAttributeNode(attr));
  if (el.localName === 'select') {
    // The server's options, with the user's choice kept while it is still offered.
    const select = el as HTMLSelectElement;
    const chosen = select.value;
    select.replaceChildren(...twin.childNodes);
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }
}

/** The server's latest value for a focused field, and the value the field had when the server first changed it. */
const pending = new WeakMap<HTMLInputElement, { before: string; server: string | null }>();

function serverValueOnBlur(field: HTMLInputElement, server: string | null): void {
  const known = pending.get(field);
  if (known) return void (known.server = server);
  pending.set(field, { before: field.defaultValue, server });
  field.addEventListener(
    'blur',
    () => {
      const { before, server: latest } = pending.get(field)!;
      pending.delete(field);
      const unchanged = field.value === before;
      if (field.localName === 'textarea' || latest !== null) field.defaultValue = latest ?? '';
      else field.removeAttribute('value');
      if (unchanged) field.value = field.defaultValue;
    },
    { once: true },
  );
}
