import { randomBytes } from 'node:crypto';
import { SessionError, type Session } from '@statetemplate/session';
import type { TodoStore } from './todo-store.js';
import { Traffic, type TrafficSummary } from './traffic.js';
import { appView, type AppView } from './view.js';
import type { Visitor } from './visitor.js';
import type { VisitorStore } from './visitor-store.js';

interface Live {
  session: Session<AppView>;
  /** What this instance sent the page. */
  traffic: Traffic;
  /** The totals the panel showed when this instance took the page over, carried on from there. */
  carried: { updates: number; bytes: number };
  /** When the last connection closed, or the page was served or taken over. */
  idleSince: number;
}

/**
 * The pages this instance keeps live, by session id; the visitors themselves
 * are in the store. The instance a page's connection lands on takes the
 * visitor over (it becomes their `holder`); only the holder ticks their clock
 * and renders their page, and every other instance lets go of them the next
 * time it looks. The holder re-renders them when the shared list changes and
 * on every tick, also while briefly disconnected (the client catches up on
 * reconnect). A page without a connection for `graceMs` (a closed tab) is let
 * go: its session closed and its visitor deleted, so a late reconnect is told
 * the session is gone and reloads.
 */
export class Visitors {
  /** This instance, as the holder of the visitors it serves; a restart is a new one. */
  readonly id = randomBytes(8).toString('hex');
  readonly #live = new Map<string, Live>();
  /**
   * Open connections (WebSocket or SSE) of each page on this instance,
   * counted the moment they come and go, also while the visitor is still loading.
   */
  readonly #connections = new Map<string, number>();
  /** Time of the last tick, shown as the server time. */
  #clock = Date.now();

  constructor(
    private readonly todos: TodoStore,
    private readonly store: VisitorStore,
    private readonly graceMs: number,
  ) {}

  /** A page this instance served: its visitor is stored, held by this instance until a connection lands elsewhere. */
  async add(session: Session<AppView>, visitor: Visitor): Promise<void> {
    await this.store.create(session.id, { ...visitor, holder: this.id });
    this.#live.set(session.id, this.#hold(session, visitor));
  }

  /** Whether this instance keeps the page of `sessionId` live. */
  holds(sessionId: string): boolean {
    return this.#live.has(sessionId);
  }

  /** The visitor of `sessionId` as stored, or null when gone. */
  load(sessionId: string): Promise<Visitor | null> {
    return this.store.get(sessionId);
  }

  /** Changes a visitor's own state in the store (see VisitorStore.change). */
  change(sessionId: string, change: (visitor: Visitor) => Visitor): Promise<Visitor | null> {
    return this.store.change(sessionId, change);
  }

  view(visitor: Visitor): AppView {
    return appView(this.todos.todos, visitor, this.#clock);
  }

  /**
   * A connection of the page arrived: this instance takes the visitor over,
   * from wherever they were. False when the visitor is gone (the page must reload).
   */
  async connected(session: Session<AppView>): Promise<boolean> {
    this.#connections.set(session.id, this.#connectionsOf(session.id) + 1);
    let heldHere = false;
    const visitor = await this.store.change(session.id, (v) => {
      heldHere = v.holder === this.id;
      return heldHere ? v : { ...v, holder: this.id };
    });
    if (visitor === null) return false;
    const known = this.#live.get(session.id);
    // Taken back from another instance: its traffic counts since are in the store, not here.
    if (known === undefined || !heldHere) this.#live.set(session.id, this.#hold(session, visitor));
    return true;
  }

  disconnected(sessionId: string): void {
    const left = this.#connectionsOf(sessionId) - 1;
    if (left > 0) return void this.#connections.set(sessionId, left);
    this.#connections.delete(sessionId);
    const live = this.#live.get(sessionId);
    if (live !== undefined) live.idleSince = Date.now();
  }

  /** Renders the visitor's page from their stored state, while this instance holds it. */
  async render(sessionId: string): Promise<void> {
    const live = this.#live.get(sessionId);
    if (live === undefined) return;
    const visitor = await this.store.get(sessionId);
    if (this.#keeps(sessionId, live, visitor)) await this.#render(sessionId, live, visitor);
  }

  /** Renders every page held here; a failing render is reported and never stops the others. */
  async renderAll(): Promise<void> {
    await Promise.all([...this.#live.keys()].map((id) => this.render(id).catch(report)));
  }

  /** One second passed: every clock held here moves on, idle pages past the grace are let go. */
  async tick(now: number = Date.now()): Promise<void> {
    this.#clock = now;
    await Promise.all([...this.#live].map(([id, live]) => this.#tick(id, live, now).catch(report)));
  }

  #hold(session: Session<AppView>, visitor: Visitor): Live {
    const { updates, bytes } = visitor.stats;
    return { session, traffic: new Traffic(), carried: { updates, bytes }, idleSince: Date.now() };
  }

  #connectionsOf(sessionId: string): number {
    return this.#connections.get(sessionId) ?? 0;
  }

  async #tick(sessionId: string, live: Live, now: number): Promise<void> {
    if (this.#connectionsOf(sessionId) === 0 && now - live.idleSince > this.graceMs) return this.#forget(sessionId, live);
    const stats = this.#stats(live, now);
    const visitor = await this.store.change(sessionId, (v) => (v.holder === this.id ? { ...v, seconds: v.seconds + 1, stats } : v));
    if (!this.#keeps(sessionId, live, visitor)) return;
    await this.#render(sessionId, live, visitor);
    // For the page's activity chart, a hook that draws it from these events (the server renders none of it).
    if (this.#live.get(sessionId) === live) await live.session.pushEvent('tick', { updatesPerSecond: stats.updatesPerSecond });
  }

  /** This instance's summary, with the totals carried over from the instances that held the page before. */
  #stats(live: Live, now: number): TrafficSummary {
    const summary = live.traffic.summary(now);
    return { ...summary, updates: live.carried.updates + summary.updates, bytes: live.carried.bytes + summary.bytes };
  }

  async #render(sessionId: string, live: Live, visitor: Visitor): Promise<void> {
    try {
      live.traffic.record(await live.session.render(this.view(visitor)));
    } catch (error) {
      if (!(error instanceof SessionError)) throw error;
      // The session is gone (expired, closed): so is the page.
      this.#live.delete(sessionId);
    }
  }

  /**
   * Whether this instance still serves the page, given its visitor as stored:
   * a visitor held elsewhere is let go here; a visitor gone from the store
   * ends the session, so the page reloads into a new one.
   */
  #keeps(sessionId: string, live: Live, visitor: Visitor | null): visitor is Visitor {
    if (visitor?.holder === this.id) return true;
    if (this.#live.get(sessionId) === live) this.#live.delete(sessionId);
    if (visitor === null) live.session.invalidate().catch(report);
    return false;
  }

  /** A page closed for longer than the grace: its session and visitor go, unless another instance took it meanwhile. */
  async #forget(sessionId: string, live: Live): Promise<void> {
    this.#live.delete(sessionId);
    const visitor = await this.store.get(sessionId);
    if (visitor !== null && visitor.holder !== this.id) return;
    await Promise.all([live.session.invalidate(), this.store.delete(sessionId)]);
  }
}

function report(error: unknown): void {
  console.error('[demo] a live page failed:', error);
}
