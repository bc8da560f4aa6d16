import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compile, type Template } from '@statetemplate/core';
import { live } from '@statetemplate/express';
import type { Attached, ServerMetrics } from '@statetemplate/server';
import express from 'express';
import { StateTemplate, type Logger, type Session } from '@statetemplate/session';
import type { SessionStore } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { RedisSessionStore } from '@statetemplate/store-redis';
import { parseAction, type DemoAction } from './actions.js';
import { AVATAR_LIMITS, Avatars } from './avatars.js';
import { DemoError } from './errors.js';
import { routes } from './routes.js';
import type { TemplateFiles } from '@statetemplate/core/files';
import { demoTemplates } from './templates.js';
import { TodoStore } from './todo-store.js';
import type { Visitor } from './visitor.js';
import { VisitorStore } from './visitor-store.js';
import { Visitors } from './visitors.js';
import type { AppView } from './view.js';
import { Viewers, VIEWERS_TOPIC } from './viewers.js';

/** Idle time before a session (and its visitor) expires. */
const EXPIRATION_MS = 30 * 60_000;
/** How often expired visitor records are deleted. */
const SWEEP_MS = 60_000;

export interface DemoOptions {
  /** Keeps sessions, visitors and the shared list in this Redis, so several instances share them; default: memory. */
  redisUrl?: string;
  /** Token signing key (32+ bytes), the same on every instance that should open each other's sessions; default: random. */
  signingKey?: string;
  /** Milliseconds between clock ticks; 0 leaves ticking to `tick()` (tests). Default 1000. */
  tickMs?: number;
  /** Milliseconds a page without a live connection is still rendered; default 60 s. */
  graceMs?: number;
  /** Where uploaded pictures are saved; default a folder in the system's temporary one. */
  uploadFolder?: string;
  /** Where StateTemplate (sessions, transport, Redis stores) logs; default nowhere. */
  logger?: Logger;
  /** Reloads the templates when their files change; default in development (NODE_ENV neither production nor test). */
  watch?: boolean;
}

/** The demo application: an http.Server serving pages, the live transport, and the shared todo list. */
export class Demo {
  readonly server: Server;
  readonly visitors: Visitors;
  /** The page: the layout around the live part, rendered once per page load with plain Mustache. */
  page: Template;
  /** The live part, for plain reference renders (what a fresh page load would show). */
  app: Template;
  readonly #transport: Attached;
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #sweeper: NodeJS.Timeout;
  readonly #unwatch: () => void;

  private constructor(
    readonly stateTemplate: StateTemplate<AppView>,
    readonly todos: TodoStore,
    readonly avatars: Avatars,
    visitorStore: VisitorStore,
    private readonly stores: SessionStore[],
    views: TemplateFiles,
    options: DemoOptions,
  ) {
    const compileViews = (): [Template, Template] => [compile(views.source('page'), { partials: views.partials }), compile(views.source('app'), { partials: views.partials })];
    [this.page, this.app] = compileViews();
    // The StateTemplate reloads the live part itself; the page and the reference renders follow here.
    this.#unwatch = watching(options) ? views.watch(() => ([this.page, this.app] = compileViews())) : () => undefined;
    this.visitors = new Visitors(todos, visitorStore, options.graceMs ?? 60_000);
    todos.onChange(() => void this.visitors.renderAll());
    const app = express();
    // The demo's own routes go after the live middleware: the SSE fallback and the client's script come first.
    this.server = createServer(app);
    this.#transport = live(app, this.server, {
      stateTemplate,
      onConnect: (session) => this.#connected(session),
      onDisconnect: (session) => this.visitors.disconnected(session.id),
      onEvent: (session, name, payload) => this.#event(session, name, payload),
      // The filter tabs are data-st-patch links: the URL names the filter, back and forward included.
      onNavigate: (session, url) => this.#event(session, 'filter', { filter: url.searchParams.get('filter') ?? 'all' }),
      uploads: { avatar: AVATAR_LIMITS },
      onUpload: async (session, file) => {
        const avatar = await this.avatars.save(session.id, file);
        await this.visitors.change(session.id, (visitor) => ({ ...visitor, avatar, notice: '' }));
        await this.visitors.render(session.id);
      },
    });
    app.use(routes(this));
    const tickMs = options.tickMs ?? 1000;
    if (tickMs > 0) this.#timer = setInterval(() => void this.tick(), tickMs);
    this.#sweeper = setInterval(() => void visitorStore.sweep().catch(reportSweep), SWEEP_MS);
    this.#sweeper.unref();
  }

  static async start(options: DemoOptions = {}): Promise<Demo> {
    const views = await demoTemplates();
    const { logger } = options;
    const stores = options.redisUrl === undefined ? [new MemorySessionStore(), new MemorySessionStore()] : redisStores(options.redisUrl, logger);
    const [sessions, shared] = stores as [SessionStore, SessionStore];
    // A random key is fine for one process; instances sharing sessions, and restarts, need SIGNING_KEY.
    const signingKey = options.signingKey ?? randomBytes(32);
    // The live part from templates/app.mustache: in development, a saved template moves every live page to it.
    const stateTemplate = new StateTemplate<AppView>(views.template('app'), {
      watch: watching(options),
      store: sessions,
      signingKey,
      expiration: EXPIRATION_MS,
      // Every page load is a session: bound them, so a flood of loads gets 503s instead of eating memory.
      maxSessions: 10_000,
      // The transport logs there too.
      logger,
      name: 'todos',
    });
    // Every page is a session of the viewers topic: published before the first page.
    await Viewers.open(stateTemplate);
    // Visitors sit beside the shared list, in the store every instance shares.
    const avatars = await Avatars.open(options.uploadFolder);
    return new Demo(stateTemplate, await TodoStore.open(shared), avatars, new VisitorStore(shared, EXPIRATION_MS), stores, views, options);
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

  /**
   * Applies a visitor's action: a todo change to the shared list, anything
   * else to the visitor of `sessionId` (undefined for a form posted without
   * JavaScript). An accepted action clears their notice.
   */
  async perform(action: DemoAction, sessionId?: string): Promise<void> {
    // The list announces the change; every live visitor of every instance is re-rendered from there.
    if (action.kind === 'todo') await this.todos.apply(action.action);
    if (sessionId !== undefined) await this.visitors.change(sessionId, (visitor) => personal(visitor, action));
  }

  /** What a fresh page load would show the visitor of `sessionId` now: the plain render of their view and the viewers, with this instance's clock. */
  async freshRender(sessionId: string): Promise<string> {
    const visitor = await this.visitors.load(sessionId);
    if (visitor === null) throw new DemoError('not_found', 'that visitor is gone');
    return this.app.renderPlain({ ...this.visitors.view(visitor), ...(await this.stateTemplate.topicData(VIEWERS_TOPIC)) });
  }

  /** What the live part is doing (the `/metrics` page): sessions, renders, store, connections, bytes. */
  metrics(): ServerMetrics {
    return this.#transport.metrics();
  }

  /** Moves every visitor's clock on and pushes it. */
  tick(): Promise<void> {
    return this.visitors.tick();
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    clearInterval(this.#sweeper);
    this.#unwatch();
    this.#transport.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.todos.close();
    await this.stateTemplate.close();
    await Promise.all(this.stores.map((store) => store.close()));
  }

  /** A page went live here: take its visitor over and render, so renders it missed before connecting reach it. */
  async #connected(session: Session<AppView>): Promise<void> {
    // A page whose visitor is gone (let go, expired) must reload.
    if (!(await this.visitors.connected(session))) return session.invalidate();
    await this.visitors.render(session.id);
  }

  /** A live event; a refusal becomes the visitor's notice instead of an error on the socket. */
  async #event(session: Session<AppView>, name: string, payload: unknown): Promise<void> {
    // A connection whose page moved to another instance meanwhile: that one serves it now.
    if (!this.visitors.holds(session.id)) return;
    try {
      await this.perform(parseAction(name, payload), session.id);
    } catch (error) {
      if (!(error instanceof DemoError)) throw error;
      await this.visitors.change(session.id, (visitor) => ({ ...visitor, notice: error.message }));
    }
    await this.visitors.render(session.id);
  }
}

/** The visitor after their accepted `action`: the very same visitor when nothing of theirs changes. */
function personal(visitor: Visitor, action: DemoAction): Visitor {
  switch (action.kind) {
    case 'todo':
      return visitor.notice === '' ? visitor : { ...visitor, notice: '' };
    case 'rename':
      return { ...visitor, name: action.name, notice: '' };
    case 'filter':
      return { ...visitor, filter: action.filter, notice: '' };
  }
}

/** Sessions, and the shared list with the visitors, in one Redis under prefixes of their own. */
function redisStores(url: string, logger: Logger | undefined): SessionStore[] {
  return [new RedisSessionStore({ url, logger }), new RedisSessionStore({ url, prefix: 'statetemplate-demo:', logger })];
}

/** A failed sweep leaves the records for the next one. */
function reportSweep(error: unknown): void {
  console.error('[demo] sweeping expired visitors failed:', error);
}

function watching(options: DemoOptions): boolean {
  return options.watch ?? !['production', 'test'].includes(process.env.NODE_ENV ?? '');
}
