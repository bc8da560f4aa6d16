import type { JsonValue } from '@statetemplate/protocol';

/** The DOM events that bindings listen to; an element opts in with `data-st-<event>="eventName"`. */
const EVENTS = ['click', 'submit', 'change', 'input', 'keydown', 'keyup', 'focus', 'blur'];

export type Payload = Record<string, JsonValue>;

type Field = HTMLElement & HTMLInputElement & HTMLFormElement;

/**
 * Declarative bindings, delegated on `root` (capturing, so focus and blur
 * count too) so that they hold for whatever the server renders later.
 *
 * The payload is the element's `data-st-value-*` attributes
 * (`data-st-value-todo-id` gives `todoId`), plus, for a form, its fields as
 * the browser would submit them (a name given twice, as by checkboxes or a
 * multiple select, gives an array), or for a field its `value` (a checkbox's
 * `checked`, a multiple select's selected values), but on a click. `data-st-key="Enter
 * Escape"` keeps only those keys of keydown and keyup. `data-st-debounce="ms"`
 * sends after that long without another such event (`"blur"`: when the
 * field loses focus); `data-st-throttle="ms"` sends at most once per period,
 * the latest at its end. Submits and clicks on links and buttons do not run
 * their default action; a form with `data-st-reset` is reset once sent.
 * Returns the function that removes the listeners and pending sends.
 */
export function bind(root: Element, send: (name: string, payload: Payload, element: Element) => void): () => void {
  const timers = timing();
  const listener = (event: Event) => {
    const attribute = 'data-st-' + event.type;
    const target = (event.target as Element).closest?.(`[${attribute}]`);
    if (!target || !root.contains(target)) return;
    const element = target as Field;
    const keys = element.getAttribute('data-st-key');
    if (keys !== null && event.type.startsWith('key') && !keys.split(' ').includes((event as KeyboardEvent).key)) return;
    if (event.type === 'submit' || element.matches('a,button')) event.preventDefault();
    const name = element.getAttribute(attribute)!;
    const fire = () => {
      send(name, payloadOf(element, event.type), element);
      if (event.type === 'submit' && element.hasAttribute('data-st-reset')) element.reset();
    };
    timers.run(element, event.type, fire);
  };
  for (const type of EVENTS) root.addEventListener(type, listener, true);
  // A field debounced until blur sends when it loses focus.
  const blurred = (event: Event) => timers.blurred(event.target as Element);
  root.addEventListener('blur', blurred, true);
  return () => {
    for (const type of EVENTS) root.removeEventListener(type, listener, true);
    root.removeEventListener('blur', blurred, true);
    timers.clear();
  };
}

/** What an element sends: its data-st-value-* attributes and its fields, or its value (not for a click: an intent). */
export function payloadOf(target: Element, type: string): Payload {
  const element = target as Field;
  const payload: Payload = {};
  if (element.tagName === 'FORM') {
    new (element.ownerDocument.defaultView!.FormData)(element).forEach((value, key) => {
      if (typeof value !== 'string') return;
      const had = payload[key];
      payload[key] = had === undefined ? value : [had, value].flat();
    });
  } else if (type !== 'click' && element.matches('input,select,textarea')) {
    const select = element as unknown as HTMLSelectElement;
    payload.value = element.type === 'checkbox' ? element.checked : select.multiple ? Array.from(select.selectedOptions, (o) => o.value) : element.value;
  }
  for (const key in element.dataset) {
    if (key.startsWith('stValue')) payload[key.charAt(7).toLowerCase() + key.slice(8)] = element.dataset[key]!;
  }
  return payload;
}

/** Debounce and throttle per element and event type. */
function timing() {
  const timers = new Map<string, { element: Element; timer?: ReturnType<typeof setTimeout>; fire?: () => void; blur?: true }>();
  const ids = new WeakMap<Element, number>();
  let next = 0;
  const fire = (key: string) => {
    const entry = timers.get(key);
    timers.delete(key);
    entry?.fire?.();
  };
  return {
    run(element: Element, type: string, send: () => void): void {
      const debounce = element.getAttribute('data-st-debounce');
      const throttle = Number(element.getAttribute('data-st-throttle'));
      // Submits and clicks are intents, not streams of keystrokes: they go at once.
      if ((debounce === null && !throttle) || type === 'submit' || type === 'click') return send();
      let id = ids.get(element);
      if (id === undefined) ids.set(element, (id = next++));
      const key = `${id} ${type}`;
      const entry = timers.get(key) ?? { element };
      timers.set(key, entry);
      if (debounce === 'blur') {
        entry.fire = send;
        entry.blur = true;
      } else if (debounce !== null) {
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => fire(key), Number(debounce));
        entry.fire = send;
      } else if (entry.timer === undefined) {
        send();
        entry.timer = setTimeout(() => fire(key), throttle);
      } else entry.fire = send;
    },
    blurred(element: Element): void {
      for (const [key, entry] of timers) if (entry.blur && entry.element === element) fire(key);
    },
    clear(): void {
      for (const entry of timers.values()) clearTimeout(entry.timer);
      timers.clear();
    },
  };
}
