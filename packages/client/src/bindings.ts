import type { JsonValue } from '@statetemplate/protocol';

/** The DOM events that bindings listen to; an element opts in with `data-st-<event>="eventName"`. */
const EVENTS = ['click', 'submit', 'change'];

export type Payload = Record<string, JsonValue>;

/**
 * Declarative bindings, delegated on `root` so that they hold for whatever
 * the server renders later. The payload is the element's `data-st-value-*`
 * attributes (`data-st-value-todo-id` gives `todoId`), plus a form's fields
 * on submit (a later field of the same name wins), plus `value` (`checked`
 * for a checkbox) on change. Submits and clicks on links and buttons do not
 * run their default action; a form with `data-st-reset` is reset once sent.
 * Returns the function that removes the listeners.
 */
export function bind(root: Element, send: (name: string, payload: Payload) => void): () => void {
  const listener = (event: Event) => {
    const attribute = 'data-st-' + event.type;
    const target = (event.target as Element).closest?.(`[${attribute}]`);
    if (!target || !root.contains(target)) return;
    const element = target as HTMLElement & HTMLInputElement & HTMLFormElement;
    const payload: Payload = {};
    if (event.type === 'submit') {
      new (root.ownerDocument.defaultView!.FormData)(element).forEach((value, key) => {
        if (typeof value === 'string') payload[key] = value;
      });
    }
    if (event.type === 'change') payload.value = element.type === 'checkbox' ? element.checked : element.value;
    for (const key in element.dataset) {
      if (key.startsWith('stValue')) payload[key.charAt(7).toLowerCase() + key.slice(8)] = element.dataset[key]!;
    }
    if (event.type === 'submit' || element.matches('a,button')) event.preventDefault();
    send(element.getAttribute(attribute)!, payload);
    if (event.type === 'submit' && element.hasAttribute('data-st-reset')) element.reset();
  };
  for (const type of EVENTS) root.addEventListener(type, listener);
  return () => {
    for (const type of EVENTS) root.removeEventListener(type, listener);
  };
}
