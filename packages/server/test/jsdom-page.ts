import { JSDOM, type VirtualConsole } from 'jsdom';
import { connect, type ConnectOptions, type LiveConnection } from '@statetemplate/client';
import type { GoneReason } from '@statetemplate/protocol';
import type { Session } from '@statetemplate/session';
import { within, type Harness, type Page } from './harness.js';
import { Mirror } from './mirror.js';

/** Resolves when `check` holds, re-checking whenever `notify` is called. */
export class Signal {
  #waiters: (() => void)[] = [];

  notify = () => {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  };

  async until(check: () => boolean, what: string): Promise<void> {
    await within(
      (async () => {
        while (!check()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
      })(),
      what,
    );
  }
}

export interface PageOptions {
  /** The page's path on the harness's origin; default "/". */
  path?: string;
  /** Where jsdom reports what it cannot do (such as navigating). */
  virtualConsole?: VirtualConsole;
}

/** A jsdom page of the harness's origin holding a new session's render, connected with the client until the harness closes. */
export async function openPage(h: Harness, data: Page | Record<string, unknown>, options: Partial<ConnectOptions> = {}, at: PageOptions = {}) {
  const { html, sessionId, token } = await h.st.newSession(data);
  const { window } = new JSDOM(`<!doctype html><body><div id="app">${html}</div></body>`, {
    url: `${h.origin}${at.path ?? '/'}`,
    ...(at.virtualConsole && { virtualConsole: at.virtualConsole }),
  });
  const root = window.document.getElementById('app')!;
  const signal = new Signal();
  const statuses: boolean[] = [];
  const gone: GoneReason[] = [];
  const errors: string[] = [];
  const connection = connect({
    url: h.wsUrl,
    sessionId,
    token,
    root,
    minDelay: 5,
    maxDelay: 20,
    onStatus: (online) => {
      statuses.push(online);
      signal.notify();
    },
    onGone: (reason) => {
      gone.push(reason);
      signal.notify();
    },
    onError: (error) => {
      errors.push(error.code);
      signal.notify();
    },
    ...options,
    onMessage: (message, size) => {
      options.onMessage?.(message, size);
      signal.notify();
    },
    onEventError: (error, element) => {
      options.onEventError?.(error, element);
      signal.notify();
    },
  });
  h.track(() => connection.close());
  const session = await h.st.getSession(sessionId, token);
  /** Waits until the page shows the session's latest render, then checks it equals a fresh one. */
  const settled = async (what: string) => {
    const target = (await session.updatesSince(-1)) as { seq: number };
    await signal.until(() => connection.seq >= target.seq, what);
    return matches(root, session, connection);
  };
  return { window, root, session, connection, signal, statuses, gone, errors, settled };
}

async function matches(root: Element, session: Session, connection: LiveConnection): Promise<boolean> {
  const mirror = new Mirror(root.innerHTML, connection.seq);
  return mirror.matches(session);
}
