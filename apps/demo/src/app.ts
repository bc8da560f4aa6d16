import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compile, type Template } from '@statetemplate/core';
import { attach, type Attached } from '@statetemplate/server';
import { StateTemplate, type Session } from '@statetemplate/session';
import type { SessionStore } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { RedisSessionStore } from '@statetemplate/store-redis';
import { parseAction, type DemoAction } from './actions.js';
import { DemoError } from './errors.js';
import { handleRequest } from './routes.js';
import { loadTemplates, type Templates } from './templates.js';
import { TodoStore } from './todo-store.js';
import type { Visitor } from './visitor.js';
import { Visitors } from './visitors.js';

export interface DemoOptions {
  /** Keeps sessions and the shared list in this Redis, so several instances share them; default: memory. */
  redisUrl?: string;
  /** Token signing key (32+ bytes), the same on every instance that should open each other's sessions; default: random. */
  signingKey?: string;
  /** Milliseconds between clock ticks; 0 leaves ticking to `tick()` (tests). Default 1000. */
  tickMs?: number;
  /** Milliseconds a page without a live connection is still rendered; default 60 s. */
  graceMs?: number;
}

/** The demo application: an http.Server serving pages, the live transport, and the shared todo list. */
export class Demo {
  readonly server: Server;
  readonly visitors: Visitors;
  /** The page shell, rendered once per page load with plain Mustache. */
  readonly page: Template;
  /** The live part, for plain reference renders (what a fresh page load would show). */
  readonly app: Template;
  readonly #transport: Attached;
  readonly #timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly stateTemplate: StateTemplate,
    readonly todos: TodoStore,
    private readonly stores: SessionStore[],
    templates: Templates,
    options: DemoOptions,
  ) {
    this.page = compile(templates.page);
    this.app = compile(templates.app, { partials: templates.partials });
    this.visitors = new Visitors(todos, options.graceMs ?? 60_000);
    todos.onChange(() => void this.visitors.renderAll());
    this.server = createServer((request, response) => void handleRequest(this, request, response));
    this.#transport = attach(this.server, {
      stateTemplate,
      onConnect: (session) => this.#connected(session),
      onDisconnect: (session) => this.visitors.disconnected(session.id),
      onEvent: (session, name, payload) => this.#event(session, name, payload),
    });
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) this.#timer = setInterval(() => void this.tick(), tickMs);
  }

  static async start(options: DemoOptions = {}): Promise<Demo> {
    const templates = loadTemplates();
    const stores = options.redisUrl === undefined ? [new MemorySessionStore(), new MemorySessionStore()] : redisStores(options.redisUrl);
    const [sessions, shared] = stores as [SessionStore, SessionStore];
    // A random key is fine for one process; instances sharing sessions need SIGNING_KEY.
    const signingKey = options.signingKey ?? randomBytes(32);
    const stateTemplate = new StateTemplate(templates.app, {
      partials: templates.partials,
      store: sessions,
      signingKey,
      expiration: 30 * 60_000,
      // Every page load is a session: bound them, so a flood of loads gets 503s instead of eating memory.
      maxSessions: 10_000,
    });
    return new Demo(stateTemplate, await TodoStore.open(shared), stores, templates, options);
  }

  /** Listens on `host:port` (port 0: any free one); resolves to the base URL. */
  async listen(port: number, host = '127.0.0.1'): Promise<URL> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return new URL(`http://${host}:${address.port}/`);
  }

  /** Applies a visitor's action (`visitor` is undefined for a form posted without JavaScript). */
  async perform(action: DemoAction, visitor: Visitor | undefined): Promise<void> {
    switch (action.kind) {
      case 'todo':
        // The list announces the change; every live visitor is re-rendered from there.
        await this.todos.apply(action.action);
        break;
      case 'rename':
        if (visitor) visitor.name = action.name;
        break;
      case 'filter':
        if (visitor) visitor.filter = action.filter;
        break;
    }
    if (visitor) visitor.notice = '';
  }

  /** What a fresh page load would show this visitor now: the plain render of their view. */
  freshRender(visitor: Visitor): string {
    return this.app.renderPlain(this.visitors.view(visitor));
  }

  /** Moves every visitor's clock on and pushes it. */
  tick(): Promise<void> {
    return this.visitors.tick();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#transport.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.todos.close();
    await this.stateTemplate.close();
    await Promise.all(this.stores.map((store) => store.close()));
  }

  /** A page went live: count it and render, so renders it missed before connecting reach it. */
  async #connected(session: Session): Promise<void> {
    // A page this instance no longer serves (forgotten, or from before a restart) must reload.
    if (!this.visitors.connected(session.id)) return session.close();
    await this.visitors.render(session.id);
  }

  /** A live event; a refusal becomes the visitor's notice instead of an error on the socket. */
  async #event(session: Session, name: string, payload: unknown): Promise<void> {
    const visitor = this.visitors.get(session.id);
    if (visitor === undefined) return;
    try {
      await this.perform(parseAction(name, payload), visitor);
    } catch (error) {
      if (!(error instanceof DemoError)) throw error;
      visitor.notice = error.message;
    }
    await this.visitors.render(session.id);
  }
}

/** Sessions and the shared list in one Redis, under prefixes of their own. */
function redisStores(url: string): SessionStore[] {
  return [new RedisSessionStore({ url }), new RedisSessionStore({ url, prefix: 'statetemplate-demo:' })];
}
