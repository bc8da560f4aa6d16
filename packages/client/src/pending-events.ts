/** The error of an event or a file the connection lost on the way. */
export const LOST = { code: 'disconnected', message: 'the connection dropped' };

/** Why an event was not handled: `rate_limited`, `event_failed` (from the server) or `disconnected`. */
export interface EventError {
  code: string;
  message: string;
  /** The event's name. */
  name: string;
}

interface Pending {
  name: string;
  element: Element | undefined;
  /** Sent on the current connection (not only held while offline). */
  sent: boolean;
}

/** What connect() asks of the events in flight. */
export interface PendingEvents {
  /** A new event's id; its element shows its loading state from now. */
  add(name: string, element: Element | undefined): number;
  /** The event went out on the current connection. */
  sent(id: number): void;
  /** The event was handled, or refused with `error`. */
  settle(id: number, error?: { code: string; message: string }): void;
  /** The connection dropped: what went out on it will never be acknowledged. */
  dropped(): void;
}

/**
 * Events sent and not yet acknowledged. Until its `ack`, the element that
 * sent one (and its form) has the `st-loading` class, and one with
 * `data-st-disable-with` shows that text and is disabled.
 */
export function pendingEvents(onEventError: (error: EventError, element: Element | undefined) => void): PendingEvents {
  let next = 1;
  const pending = new Map<number, Pending>();
  const loading = new WeakMap<Element, { count: number; text: string | null; disabled: boolean; classless: boolean }>();
  const enter = (target: Element, own: boolean) => {
    const state = loading.get(target);
    if (state) return void state.count++;
    const classless = !target.hasAttribute('class');
    target.classList.add('st-loading');
    const element = target as HTMLButtonElement;
    const label = own ? target.getAttribute('data-st-disable-with') : null;
    loading.set(target, { count: 1, text: label === null ? null : target.textContent, disabled: element.disabled, classless });
    if (label !== null) {
      target.textContent = label;
      element.disabled = true;
    }
  };
  const leave = (target: Element) => {
    const state = loading.get(target);
    if (!state || --state.count > 0) return;
    loading.delete(target);
    unmark(target, 'st-loading', state.classless);
    if (state.text !== null) {
      target.textContent = state.text;
      (target as HTMLButtonElement).disabled = state.disabled;
    }
  };
  const settle = (id: number, error?: { code: string; message: string }) => {
    const event = pending.get(id);
    if (!event) return;
    pending.delete(id);
    if (event.element) for (const target of targets(event.element)) leave(target);
    if (error) onEventError({ code: error.code, message: error.message, name: event.name }, event.element);
  };
  return {
    add(name, element) {
      const id = next++;
      pending.set(id, { name, element, sent: false });
      if (element) {
        element.classList.remove('st-error');
        for (const target of targets(element)) enter(target, target === element);
      }
      return id;
    },
    sent(id) {
      const event = pending.get(id);
      if (event) event.sent = true;
    },
    settle,
    dropped() {
      for (const [id, event] of pending) if (event.sent) settle(id, LOST);
    },
  };
}

/** The element and the form it belongs to. */
function targets(element: Element): Element[] {
  const form = element.closest('form');
  return form && form !== element ? [element, form] : [element];
}

/** The default: the element gets `st-error` (for a style to show it) and the console says why. */
export function showEventError(error: EventError, element: Element | undefined): void {
  element?.classList.add('st-error');
  console.warn(`[statetemplate] ${error.name}: ${error.code}: ${error.message}`);
}

/** Takes off a state class; an element that had no class attribute gets none back, as the server rendered it. */
export function unmark(element: Element, name: string, classless: boolean): void {
  element.classList.remove(name);
  if (classless && element.classList.length === 0) element.removeAttribute('class');
}
