import type { JsonValue } from '@statetemplate/protocol';
import { matching } from './span.js';

/** What a hook's callbacks see as `this`: one per element, keeping whatever state the hook puts on it. */
export interface HookContext {
  readonly el: Element;
  /** Sends an event to the server's onEvent, as a binding would. */
  pushEvent(name: string, payload?: JsonValue): void;
  /** Calls `callback` with the payload of each `session.pushEvent(name, …)`, until the element goes. */
  handleEvent(name: string, callback: (payload: JsonValue) => void): void;
  [state: string]: unknown;
}

/** Callbacks for the elements with `data-st-hook="Name"`, given to connect() as `hooks: { Name: hook }`. */
export interface Hook {
  /** The element is on the page (at connect, or added by an update). */
  mounted?(this: HookContext): void;
  /** An update changed something inside the element. */
  updated?(this: HookContext): void;
  /** An update removed the element. */
  destroyed?(this: HookContext): void;
  /** The connection dropped; updates wait until it is back. */
  disconnected?(this: HookContext): void;
  /** The connection is back. */
  reconnected?(this: HookContext): void;
}

type Callback = keyof Hook;

interface Instance {
  hook: Hook;
  context: HookContext;
  handlers: Map<string, ((payload: JsonValue) => void)[]>;
}

const HOOKED = '[data-st-hook]';

/** What connect() asks of the page's hooks. */
export interface Hooks {
  /** Runs `patch`, then mounts what it added, updates what it changed inside, destroys what it removed. */
  around(patch: () => void): void;
  /** Calls every live hook's `callback` (disconnected, reconnected). */
  all(callback: Callback): void;
  /** A server event: every handler registered for `name`, in document order of their elements. */
  dispatch(name: string, payload: JsonValue): void;
}

/**
 * The hooks of the elements under `root`. Patches run inside `around`, which
 * watches them with a MutationObserver taken synchronously: only the
 * patch's own changes count, never what a hook does to its element.
 */
export function liveHooks(root: Element, definitions: Record<string, Hook>, pushEvent: (name: string, payload?: JsonValue) => void): Hooks {
  const live = new Map<Element, Instance>();

  /** Mounts the hooked elements at or under `top` not mounted yet; they join `mounted`, so no update follows in the same patch. */
  const mountWithin = (top: Element, mounted = new Set<Element>()) => {
    for (const el of matching(top, HOOKED)) {
      if (live.has(el)) continue;
      const name = el.getAttribute('data-st-hook')!;
      const hook = definitions[name];
      if (!hook) {
        console.warn('[statetemplate] no hook ' + JSON.stringify(name));
        continue;
      }
      const handlers = new Map<string, ((payload: JsonValue) => void)[]>();
      const context: HookContext = {
        el,
        pushEvent,
        handleEvent: (event, callback) => void handlers.set(event, [...(handlers.get(event) ?? []), callback]),
      };
      const instance = { hook, context, handlers };
      live.set(el, instance);
      mounted.add(el);
      call(instance, 'mounted');
    }
  };

  const settle = (records: MutationRecord[]) => {
    for (const [el, instance] of live) {
      if (root.contains(el)) continue;
      live.delete(el);
      call(instance, 'destroyed');
    }
    const changed = new Set<Element>();
    for (const record of records) {
      for (const node of record.addedNodes) if (node.nodeType === 1 && root.contains(node)) mountWithin(node as Element, changed);
      for (let at: Node | null = record.target; at && at !== root; at = at.parentNode) {
        const instance = live.get(at as Element);
        if (instance && !changed.has(at as Element)) {
          changed.add(at as Element);
          call(instance, 'updated');
        }
      }
    }
  };

  // No hooks: patches run unobserved.
  const observer = Object.keys(definitions).length === 0 ? undefined : new (root.ownerDocument.defaultView!.MutationObserver)(() => undefined);
  if (observer) mountWithin(root);

  return {
    around(patch) {
      if (!observer) return patch();
      observer.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
      try {
        patch();
      } finally {
        const records = observer.takeRecords();
        observer.disconnect();
        settle(records);
      }
    },
    all(callback) {
      for (const instance of live.values()) call(instance, callback);
    },
    dispatch(name, payload) {
      for (const { handlers } of live.values()) for (const handler of handlers.get(name) ?? []) guard(() => handler(payload));
    },
  };
}

function call({ hook, context }: Instance, callback: Callback): void {
  const run = hook[callback];
  if (run) guard(() => run.call(context));
}

/** A hook that throws must not stop the patcher or the connection. */
function guard(run: () => void): void {
  try {
    run();
  } catch (error) {
    console.error('[statetemplate] a hook threw:', error);
  }
}
