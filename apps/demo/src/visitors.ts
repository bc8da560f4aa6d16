import { SessionError, type Session } from '@statetemplate/session';
import type { TodoStore } from './todo-store.js';
import { appView, type AppView } from './view.js';
import type { Visitor } from './visitor.js';

interface Live {
  session: Session;
  visitor: Visitor;
  /** Open connections (WebSocket or SSE) of the visitor's page. */
  connections: number;
  /** When the last connection closed, or the page was served. */
  idleSince: number;
}

/**
 * The visitors whose pages this instance keeps live, by session id. Every one
 * is re-rendered when the shared list changes and on every clock tick, also
 * while briefly disconnected (the client catches up on reconnect). A visitor
 * without a connection for `graceMs` (a closed tab) is forgotten and its
 * session closed, so a late reconnect is told the session is gone and reloads.
 */
export class Visitors {
  readonly #live = new Map<string, Live>();
  /** Time of the last tick, shown as the server time. */
  #clock = Date.now();

  constructor(
    private readonly todos: TodoStore,
    private readonly graceMs: number,
  ) {}

  add(session: Session, visitor: Visitor): void {
    this.#live.set(session.id, { session, visitor, connections: 0, idleSince: Date.now() });
  }

  get(sessionId: string): Visitor | undefined {
    return this.#live.get(sessionId)?.visitor;
  }

  get size(): number {
    return this.#live.size;
  }

  view(visitor: Visitor): AppView {
    return appView(this.todos.todos, visitor, this.#clock);
  }

  /** Renders the visitor's current view; a session gone meanwhile (expired, closed) forgets the visitor. */
  async render(sessionId: string): Promise<void> {
    const live = this.#live.get(sessionId);
    if (live === undefined) return;
    try {
      live.visitor.traffic.record(await live.session.render(this.view(live.visitor)));
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      this.#live.delete(sessionId);
    }
  }

  /** Renders every visitor; a failing render is reported and never stops the others. */
  async renderAll(): Promise<void> {
    await Promise.all([...this.#live.keys()].map((id) => this.render(id).catch(report)));
  }

  /** Counts a connection of the visitor's page; false for a session this instance does not serve. */
  connected(sessionId: string): boolean {
    const live = this.#live.get(sessionId);
    if (live !== undefined) live.connections += 1;
    return live !== undefined;
  }

  disconnected(sessionId: string): void {
    const live = this.#live.get(sessionId);
    if (live === undefined) return;
    live.connections = Math.max(0, live.connections - 1);
    if (live.connections === 0) live.idleSince = Date.now();
  }

  /** One second passed: every clock moves on, idle visitors past the grace are let go. */
  async tick(now: number = Date.now()): Promise<void> {
    this.#clock = now;
    for (const [id, live] of this.#live) {
      if (live.connections === 0 && now - live.idleSince > this.graceMs) {
        this.#forget(id, live.session);
        continue;
      }
      live.visitor.seconds += 1;
      live.visitor.stats = live.visitor.traffic.summary(now);
    }
    await this.renderAll();
  }

  #forget(sessionId: string, session: Session): void {
    this.#live.delete(sessionId);
    session.close().catch(report);
  }
}

function report(error: unknown): void {
  console.error('[demo] render failed:', error);
}
