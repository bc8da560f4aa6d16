import { compile, type CompileOptions, type Granularity, type Partials } from '@statetemplate/core';
import { newSessionId, TokenError, TokenManager, type KeySet, type Secret } from '@statetemplate/security';
import { checkLogger, type JsonValue, type Logger, type SessionStore } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { InvalidTokenError, SessionClosedError, SessionExpiredError, SessionNotFoundError } from './errors.js';
import { Session } from './session.js';
import { jsonCopy, sessionData, toJson, type SessionData } from './session-data.js';
import { SessionEngine, type StreamOptions } from './session-engine.js';
import type { Presence } from './presence.js';
import { MeasuredStore } from './measured-store.js';
import { reporter } from './report.js';
import { SessionMetrics, type StateTemplateMetrics } from './session-metrics.js';
import type { TemplateSource } from './template-source.js';

export interface StateTemplateOptions {
  /** Mustache partials: sources by name, or a function of a name returning a source (see @statetemplate/core). A template source may bring its own instead. */
  partials?: Partials;
  /** Core's `onMissingPartial`: told once per missing partial's name; default a warning outside production. */
  onMissingPartial?: (name: string) => void;
  /**
   * Whether a template source's changes (its `watch`, e.g. a template file
   * saved) recompile the template and resync every live page
   * (setTemplate); default true unless NODE_ENV is `production`. A reload
   * whose template does not compile keeps the old one, with a warning.
   */
  watch?: boolean;
  /** The field that keys list items (default 'id'). */
  key?: string;
  /** Core's granularity: 'item' (default) or 'value' for regions inside list items (see @statetemplate/core). */
  granularity?: Granularity;
  /**
   * Core's `immutable`: render data is never changed in place (a changed
   * list item is a new object), so diffs skip the items that are the objects
   * rendered last time. Instances keep references to those items beside the
   * states they hold.
   */
  immutable?: boolean;
  /** Core's `digestListsAbove` (default 20,000): longer lists keep a digest per item, and the state can no longer rebuild the page (see load). */
  digestListsAbove?: number;
  /**
   * The application's current data for a session: what a page that needs
   * the whole page (reconnecting past the replay log, or far behind) is
   * rendered from when the state cannot rebuild it, which is when it holds a
   * list of more than `digestListsAbove` items. That render is a render of
   * the session (stored, other pages get its updates). Without it such a
   * page is told to reload (`gone` with reason `reload`). Topic sessions
   * need none: their own data is stored.
   */
  load?: (sessionId: string) => unknown;
  /** Milliseconds of inactivity (no newSession, getSession or render) before a session expires (an idle timeout, sliding); default 24 h. */
  expiration?: number;
  /**
   * A session's absolute lifetime in milliseconds, however active: default 7
   * days. Its token is valid as long, so a page reconnects for as long as its
   * session lives; the idle timeout is the store's.
   */
  maxAge?: number;
  /** Where sessions live; default a MemorySessionStore, closed by close(). A store you pass stays yours to close. */
  store?: SessionStore;
  /** Token key, at least 32 bytes, or a KeySet for rotation. Without one, a random per-process key (and a warning). */
  signingKey?: Secret | KeySet;
  /** Sessions the store may hold; newSession refuses with SessionLimitError beyond. Exact per instance. */
  maxSessions?: number;
  /** Milliseconds between cleanups of expired sessions; default 60 s. */
  cleanupInterval?: number;
  /** Updates a session keeps for reconnecting clients (and at most 16 KiB of html); default 32. */
  replayLog?: number;
  /** About how many bytes of html an updates() subscription buffers before coalescing; default 256 KiB. */
  streamBuffer?: number;
  /**
   * Sessions whose last record this instance keeps, with the diff state
   * parsed, so that rendering one of them reads nothing from the store (its
   * compare-and-set still catches another instance's render); default 1,000, 0 for none.
   */
  recordCache?: number;
  /**
   * The clock of expiries, tokens and update timestamps: milliseconds since
   * the epoch, default `Date.now`. The default store runs on it too; give a
   * store you pass the same clock. The cleanup timer stays a real timer.
   */
  now?: () => number;
  /**
   * Milliseconds an instance's presence entries outlive its last refresh
   * (it refreshes every third of it): an instance killed without closing has
   * its sessions leave within about 4/3 of this; default 30 s.
   */
  presenceTimeout?: number;
  /**
   * Lists the sessions do not keep (core's `streams`), by section name: a
   * page's first render shows the items its data holds, then
   * `session.stream(name)` inserts, updates and deletes them. A page rebuilt
   * from the session's state (a resync) shows a stream empty, or what its
   * `refill(sessionId)` gives.
   */
  streams?: Readonly<Record<string, StreamOptions>>;
  /**
   * Where this StateTemplate says what happened (pino's shape: a pino logger
   * is one): slow renders, resyncs, the store failing and coming back, and
   * failures nobody awaits (cleanup, presence). The server logs to it too
   * unless given its own. Without one nothing is logged, and background
   * failures are process warnings.
   */
  logger?: Logger;
  /** This template's name in log lines (`template`), to tell several apart; default none. */
  name?: string;
  /** Renders that take this many milliseconds or more (turn start to commit) are logged as slow; default 50. */
  slowRenderMs?: number;
  /**
   * Monotonic milliseconds that render and store durations and the metrics'
   * rates are measured on; default `performance.now`. Tests drive it to make
   * a render slow without being slow.
   */
  performanceNow?: () => number;
}

export interface NewSessionOptions {
  signal?: AbortSignal;
  /**
   * Makes it a session of this topic (see publish): the topic's fields join
   * `data` at the root, and its renders then take only the session's own data.
   */
  topic?: string;
  /** Binds the token to this opaque value (e.g. a hash of the user agent); getSession must be given the same. */
  client?: string;
  /** A topic session's entry in the topic's presence (JSON data, e.g. `{ name }`), shown while one of its pages is connected; default null. */
  presence?: JsonValue;
}

export interface GetSessionOptions {
  /** The client value of this request, compared to the token's binding. */
  client?: string;
}

export interface NewSession {
  /** The annotated HTML of the first render. */
  html: string;
  sessionId: string;
  /** Opens this session, and only this one, through getSession. */
  token: string;
}

const HOUR = 3_600_000;

/**
 * A compiled template serving many isolated live sessions. `View` is the
 * type of the data its sessions render (`new StateTemplate<TodoPage>(…)`):
 * newSession and Session.render then take only that.
 */
export class StateTemplate<View = unknown> {
  readonly #engine: SessionEngine;
  readonly #tokens: TokenManager;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;
  readonly #report: (error: unknown) => void;
  /** Where this StateTemplate logs (the `logger` option); the server's default. */
  readonly logger: Logger | undefined;
  readonly #compileOptions: CompileOptions;
  readonly #unwatch: () => void;
  /** Reloads run one after another, each reading the source when it starts. */
  #reloading: Promise<void> = Promise.resolve();

  /**
   * `template` is a Mustache source, or a template source that may change
   * (`loadTemplates(dir).template('todo')` of `@statetemplate/core/files`;
   * in development its changes reload the template: the `watch` option).
   * Throws core's TemplateError for a malformed template, KeyError for a bad key,
   * RangeError for bad numbers, TypeError for a `now` or `performanceNow`
   * that is not a function, a `logger` without info, warn and error, or a `name` that is not a string.
   */
  constructor(template: string | TemplateSource, options: StateTemplateOptions = {}) {
    const expiration = positive('expiration', options.expiration ?? 24 * HOUR);
    const maxAge = positive('maxAge', options.maxAge ?? 7 * 24 * HOUR);
    const cleanupInterval = positive('cleanupInterval', options.cleanupInterval ?? 60_000);
    const now = clock('now', options.now ?? Date.now);
    this.#now = now;
    const performanceNow = clock('performanceNow', options.performanceNow ?? (() => performance.now()));
    const logger = options.logger === undefined ? undefined : checkLogger(options.logger);
    this.logger = logger;
    this.#report = reporter(logger, 'StateTemplateCleanupError', 'statetemplate: cleanup failed');
    if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError('name must be a string');
    const metrics = new SessionMetrics(performanceNow, logger);
    const streams = options.streams ?? {};
    for (const [name, { refill }] of Object.entries(streams)) {
      if (refill !== undefined && typeof refill !== 'function') throw new TypeError(`streams.${name}.refill must be a function`);
    }
    const source = templateSource(template);
    if (source.partials !== undefined && options.partials !== undefined) throw new TypeError('partials are given twice: by the template source and by the options');
    const partials = source.partials ?? options.partials;
    this.#compileOptions = { partials, onMissingPartial: options.onMissingPartial, key: options.key, granularity: options.granularity, immutable: options.immutable, digestListsAbove: options.digestListsAbove, streams: Object.keys(streams) };
    const compiled = compile(source.source, this.#compileOptions);
    this.#tokens = new TokenManager({ keys: options.signingKey, ttl: Math.max(maxAge, 1000), clock: now });
    const store = options.store ?? new MemorySessionStore({ now });
    this.#engine = new SessionEngine({
      template: compiled,
      store: new MeasuredStore(store, metrics.store, performanceNow),
      ownsStore: options.store === undefined,
      now,
      expiration,
      maxAge,
      maxSessions: options.maxSessions === undefined ? undefined : positive('maxSessions', options.maxSessions),
      replayLog: whole('replayLog', options.replayLog ?? 32),
      streamBuffer: positive('streamBuffer', options.streamBuffer ?? 256 * 1024),
      recordCache: whole('recordCache', options.recordCache ?? 1_000),
      presenceTimeout: positive('presenceTimeout', options.presenceTimeout ?? 30_000),
      load: options.load === undefined ? undefined : loader(options.load),
      streams,
      logger,
      name: options.name,
      metrics,
      performanceNow,
      slowRenderMs: whole('slowRenderMs', options.slowRenderMs ?? 50),
    });
    this.#timer = setInterval(() => void this.#cleanup(), cleanupInterval);
    this.#timer.unref();
    const watch = options.watch ?? process.env.NODE_ENV !== 'production';
    this.#unwatch = watch && source.watch ? source.watch(() => this.#reload(source)) : () => undefined;
  }

  /**
   * Recompiles with `source` (and the same options; a partials resolver is
   * asked anew) and makes it the template of every session: each live page
   * of this instance then gets its whole page in the new template (rendered
   * from `load`, a topic session's from its own data), or, without `load`,
   * is told to reload; any other session's next render sends its whole
   * page. Resolves once the pages are told. Rejects with core's
   * TemplateError (or StreamError) when it does not compile, the old
   * template staying; a template that compiles to the same (source and
   * partials) changes nothing.
   */
  async setTemplate(source: string): Promise<void> {
    this.#engine.assertOpen();
    await this.#engine.setTemplate(compile(source, this.#compileOptions));
  }

  /** Renders `data` into a new session. Rejects with SessionLimitError when maxSessions is reached. */
  async newSession(data: View, options: NewSessionOptions = {}): Promise<NewSession> {
    const { signal, client, topic, presence } = options;
    signal?.throwIfAborted();
    this.#engine.assertOpen();
    if (presence !== undefined && topic === undefined) throw new TypeError('presence is for sessions of a topic: give the topic too');
    const sessionId = newSessionId();
    const own = topic === undefined ? data : jsonCopy(data, "a topic session's data");
    const shared = topic === undefined ? undefined : await this.#engine.renderTopicSession(topic, own);
    const { html, state } = shared ?? this.#engine.template.render(data);
    const token = await this.#tokens.generateToken(sessionId, { client });
    signal?.throwIfAborted();
    const now = this.#now();
    const link = shared && (presence === undefined ? shared.link : { ...shared.link, presence: jsonCopy(presence, 'presence') });
    const session: SessionData = { state, seq: 0, log: [], ...(client === undefined ? {} : { client }), ...(link && { topic: link, own: own as JsonValue }) };
    await this.#engine.create({ id: sessionId, version: 1, createdAt: now, expiresAt: this.#engine.expiry(now, now), data: toJson(session) }, state);
    return { html, sessionId, token };
  }

  /**
   * Opens a session with its token, which counts as activity. Rejects with
   * InvalidTokenError (bad, tampered or foreign token, other client),
   * SessionExpiredError (token past its lifetime) or SessionNotFoundError.
   */
  async getSession(sessionId: string, token: string, options: GetSessionOptions = {}): Promise<Session<View>> {
    this.#engine.assertOpen();
    await this.#validate(sessionId, token, options.client);
    const { store } = this.#engine;
    const record = await store.get(sessionId);
    if (record === null) throw new SessionNotFoundError(`no session ${sessionId}: it expired, was closed or never existed`);
    if ((sessionData(record).client ?? '') !== (options.client ?? '')) {
      throw new InvalidTokenError('the session is bound to another client');
    }
    const now = this.#now();
    const expiresAt = this.#engine.expiry(record.createdAt, now);
    if (expiresAt <= now || !(await store.touch(sessionId, expiresAt))) throw new SessionExpiredError(`session ${sessionId} has expired`);
    const { seq, topic } = sessionData(record);
    if (topic !== undefined) await this.#engine.loadTopic(topic.name, topic.at);
    return new Session<View>(this.#engine, sessionId, seq, expiresAt, topic);
  }

  /**
   * Makes `data` (a plain object) the data of topic `name`, shared by the
   * sessions made with `{ topic: name }`: its fields join each one's own data
   * at the root. The regions that read only these fields are diffed once for
   * all of them, whatever their number, and their live pages get the same
   * updates; the rest of each page stays the session's own. The first
   * publish creates the topic. Topics live in the store, so every instance
   * sharing it serves their sessions: resolves once the change is stored and
   * announced. The store gets a JSON copy: the data may be changed in place
   * afterwards. TypeError for data that is not a plain object or not JSON
   * data, StoreError for a store that failed.
   */
  publish(name: string, data: Readonly<Record<string, unknown>>): Promise<void> {
    return this.#engine.publish(name, data);
  }

  /** The data of topic `name` as this instance has it (the last publish it has taken); RangeError when nothing was published to it. */
  async topicData(name: string): Promise<Readonly<Record<string, unknown>>> {
    this.#engine.assertOpen();
    return (await this.#engine.loadTopic(name, 0)).data;
  }

  /**
   * Who is connected to topic `name` (sessions with an open update stream,
   * on any instance sharing the store), kept up to date: `list()` and
   * `subscribe(listener)` for join and leave events.
   */
  presence(name: string): Promise<Presence> {
    return this.#engine.presence(name);
  }

  /**
   * Checks every update stream of this instance against the store and fills
   * what pub/sub lost, from the replay log or with a resync; reads each topic
   * this instance serves from its record, and refreshes presence (this
   * instance's entries, and every view's). The server calls it at every
   * heartbeat; the store's resubscription after a break does too. Resolves
   * once the topics and presence are read; it never rejects (a failed read
   * waits for the next call).
   */
  reconcile(): Promise<void> {
    return this.#engine.reconcile();
  }

  /**
   * Revokes session `sessionId` everywhere, after the renders already called
   * on it: deletes it and ends its update streams on every instance, so every
   * live page is told it is gone. Resolves also when there is no such session.
   */
  invalidate(sessionId: string): Promise<void> {
    return this.#engine.enqueue(sessionId, () => this.#engine.remove(sessionId));
  }

  /**
   * What this instance is doing, as a plain snapshot: live sessions and
   * streams here, renders and updates (totals and per second), coalesced
   * updates, resyncs, render and store durations. Reading it costs a walk
   * over the open streams; counting costs the renders nothing but increments.
   * The server's `attached.metrics()` adds its connections and bytes.
   */
  metrics(): StateTemplateMetrics {
    return this.#engine.metrics();
  }

  /** Deletes expired sessions now (the timer does it every cleanupInterval); resolves to how many. */
  cleanup(): Promise<number> {
    return this.#engine.sweep();
  }

  /** Stops the cleanup timer and the template source's watch, lets queued renders finish, ends every update stream and closes the default store. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#unwatch();
    await this.#engine.shutdown();
  }

  async #validate(sessionId: string, token: string, client: string | undefined): Promise<void> {
    try {
      await this.#tokens.validateAccess(sessionId, token, { client });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      if (error.code === 'expired') throw new SessionExpiredError(`the token of session ${sessionId} has expired`, { cause: error });
      throw new InvalidTokenError(`token refused: ${error.message}`, { cause: error });
    }
  }

  /** A template source changed: a reload that fails keeps the old template and warns; closing ends reloads. */
  #reload(source: TemplateSource): void {
    const report = reporter(this.logger, 'StateTemplateReloadError', 'statetemplate: the changed template does not compile; the old one stays');
    this.#reloading = this.#reloading
      .then(() => this.setTemplate(source.source))
      .catch((error: unknown) => {
        if (!(error instanceof SessionClosedError)) report(error);
      });
  }

  /** A failed cleanup must not become an unhandled rejection; the next tick tries again. */
  async #cleanup(): Promise<void> {
    try {
      await this.#engine.sweep();
    } catch (error) {
      this.#report(error);
    }
  }
}

function templateSource(value: unknown): TemplateSource {
  if (typeof value === 'string') return { source: value };
  const source = value as Partial<TemplateSource> | null;
  if (typeof source !== 'object' || source === null || typeof source.source !== 'string' || (source.watch !== undefined && typeof source.watch !== 'function')) {
    throw new TypeError('the template must be a Mustache source string, or a template source: { source, partials?, watch? } (such as loadTemplates(dir).template(name))');
  }
  return source as TemplateSource;
}

function loader(value: unknown): (sessionId: string) => unknown {
  if (typeof value !== 'function') throw new TypeError('load must be a function of a session id returning its data, or a promise of it');
  return value as (sessionId: string) => unknown;
}

function clock(name: string, value: unknown): () => number {
  if (typeof value !== 'function') throw new TypeError(`${name} must be a function returning milliseconds since the epoch`);
  return value as () => number;
}

function whole(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0`);
  return value;
}

function positive(name: string, value: number): number {
  if (whole(name, value) === 0) throw new RangeError(`${name} must be a whole number > 0`);
  return value;
}
