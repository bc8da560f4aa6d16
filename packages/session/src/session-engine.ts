import { ROOT_ID, type Update } from '@statetemplate/protocol';
import type { RenderState, Template } from '@statetemplate/core';
import { StoreError, type JsonValue, type Logger, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { encodeMessage, type EndReason } from './channel-message.js';
import { ResyncUnavailableError, SessionClosedError, SessionConflictError, SessionLimitError, StreamRefusedError } from './errors.js';
import { KeyedQueue } from './keyed-queue.js';
import { RecentRecords } from './recent-records.js';
import { SessionChannel } from './session-channel.js';
import { appendLog, copy, jsonCopy, loggedSince, sessionData, toJson, workingState, type SessionData, type TopicLink } from './session-data.js';
import { ownPart, position, sharedPart } from './position.js';
import { SharedStream } from './shared-stream.js';
import type { Topic, TopicData } from './topic.js';
import { TopicRegistry } from './topic-registry.js';
import { MAX_ATTEMPTS } from './side-records.js';
import { PresenceRegistry, type Presence } from './presence.js';
import type { SessionCommand, StreamItem } from './session-command.js';
import { numbered, type Resync, type SessionUpdate } from './session-update.js';
import type { CatchUp, LiveUpdates, ResyncReason } from './update-stream.js';
import { reporter } from './report.js';
import type { SessionMetrics, StateTemplateMetrics } from './session-metrics.js';

export interface EngineSettings {
  /** The template sessions render with; setTemplate replaces it. */
  template: Template;
  store: SessionStore;
  /** Whether close() closes the store too (it does for the default store). */
  ownsStore: boolean;
  /** Milliseconds since the epoch (StateTemplate's `now`). */
  now: () => number;
  expiration: number;
  maxAge: number;
  maxSessions: number | undefined;
  replayLog: number;
  streamBuffer: number;
  /** Sessions whose last record this instance keeps, state parsed (0: none). */
  recordCache: number;
  /** Milliseconds an instance's presence entries outlive its last refresh. */
  presenceTimeout: number;
  /** The application's data of a session, for a whole page its state cannot rebuild (StateTemplateOptions.load). */
  load: ((sessionId: string) => unknown) | undefined;
  /** Per stream, what a page rebuilt from the state shows in it (StateTemplate's `streams`). */
  streams: Readonly<Record<string, StreamOptions>>;
  /** Where slow renders, resyncs and background failures are told; without one, failures are process warnings as before. */
  logger: Logger | undefined;
  /** The template's name in log lines (StateTemplate's `name`). */
  name: string | undefined;
  /** The counters behind metrics(), the store's health among them. */
  metrics: SessionMetrics;
  /** Monotonic milliseconds that durations are measured on (StateTemplate's `performanceNow`). */
  performanceNow: () => number;
  /** Renders taking this many ms or more are logged. */
  slowRenderMs: number;
}

/** A stream's settings: `refill` gives the items a page rebuilt from the session's state (a resync) shows in it. */
export interface StreamOptions {
  refill?: (sessionId: string) => readonly unknown[] | Promise<readonly unknown[]>;
}

/** The items each stream with a refill shows on session `id`'s rebuilt page. */
async function refilled(streams: Readonly<Record<string, StreamOptions>>, id: string): Promise<Record<string, readonly unknown[]>> {
  const entries = await Promise.all(Object.entries(streams).map(async ([name, { refill }]) => [name, refill ? await refill(id) : []] as const));
  return Object.fromEntries(entries);
}

/** A committed render: its updates, and where the session's sequence and expiry now stand. */
export interface RenderResult {
  updates: SessionUpdate[];
  seq: number;
  expiresAt: number;
  /** A topic session's: the topic sequence number its shared regions are at now. */
  at?: number;
  /** A fresh render's: the whole page at `seq`. */
  html?: string;
}

/** Expired ids taken from the store per round of cleanup. */
const SWEEP_BATCH = 1_000;
/** Reads of the store after a write timed out, about a minute of them, before giving up (the heartbeat's reconcile remains). */
const SETTLE_ATTEMPTS = 12;
/** Sessions whose end this instance remembers (invalidated here, or an end message seen), to say why they are gone. */
const ENDS_KEPT = 10_000;

/**
 * Everything a session does against the store, shared by StateTemplate and
 * its Session handles. Work on one session runs in call order through a
 * per-session queue; each write is a compare-and-set, so instances sharing a
 * store never lose one another's renders.
 */
export class SessionEngine {
  readonly #queue = new KeyedQueue();
  /** Serialises count-then-create so this instance never passes maxSessions. */
  readonly #admissions = new KeyedQueue();
  readonly #channels = new Map<string, SessionChannel>();
  readonly #ends = new Map<string, EndReason>();
  readonly #recent: RecentRecords;
  readonly #topics: TopicRegistry;
  readonly #presence: PresenceRegistry;
  /** Topic sessions' streams: their shared updates come from the topic, not through a channel. */
  readonly #sharedStreams = new Set<SharedStream<StreamItem<SessionUpdate>>>();
  /** Fingerprints of the templates setTemplate replaced: a session whose state has one has pages showing an old template. */
  readonly #retired = new Set<string>();
  #sweeping: Promise<number> | null = null;
  #closed = false;

  readonly #stopReconciling: () => void;

  constructor(private readonly settings: EngineSettings) {
    this.#recent = new RecentRecords(settings.recordCache);
    this.#topics = new TopicRegistry(settings.store, settings.template, settings.now);
    this.#presence = new PresenceRegistry(
      settings.store,
      settings.now,
      settings.presenceTimeout,
      reporter(settings.logger, 'PresenceError', 'statetemplate: presence failed'),
      reporter(settings.logger, 'PresenceListenerError', 'statetemplate: a presence listener threw'),
    );
    // Messages published while the store's subscriptions were down are lost: catch up from the store.
    this.#stopReconciling = settings.store.onResubscribe?.(() => void this.reconcile()) ?? (() => undefined);
  }

  /**
   * Checks every update stream of this instance against the store and fills
   * what it missed (from the replay log, or with a resync): a lost pub/sub
   * message, a render whose outcome was unknown. Called after the store's
   * subscriptions come back and, by the server, at every heartbeat.
   */
  async reconcile(): Promise<void> {
    for (const channel of this.#channels.values()) channel.check();
    await Promise.all([this.#topics.reconcile(), this.#presence.refresh()]);
  }

  get template(): Template {
    return this.settings.template;
  }

  /**
   * Makes `template` the one sessions render with, and has every live page
   * of this instance take the whole page anew: a session's state (of the
   * old template) cannot rebuild it, so the session re-renders from `load`
   * (a topic session from its own data), or its pages are told to reload.
   * The next render of a session not on screen sends its whole page.
   */
  async setTemplate(template: Template): Promise<void> {
    this.assertOpen();
    const old = this.settings.template;
    if (template.fingerprint === old.fingerprint) return;
    this.settings.template = template;
    this.#retired.add(old.fingerprint);
    this.#retired.delete(template.fingerprint);
    try {
      await this.#topics.setTemplate(template);
    } finally {
      for (const channel of this.#channels.values()) channel.resync();
      for (const stream of this.#sharedStreams) stream.resync();
    }
  }

  get store(): SessionStore {
    return this.settings.store;
  }

  /** The current time on the StateTemplate's clock. */
  now(): number {
    return this.settings.now();
  }

  /** When a session created at `createdAt` expires if active at `now`: the idle timeout slides, up to maxAge. */
  expiry(createdAt: number, now: number): number {
    return Math.min(now + this.settings.expiration, createdAt + this.settings.maxAge);
  }

  /**
   * Stores a new session, refusing with SessionLimitError once maxSessions
   * is reached. The store gets the state as JSON text (most sessions are
   * never rendered again, and text takes a fifth of the heap); this instance
   * keeps it parsed, so the session's first render here costs no parse.
   */
  async create(record: SessionRecord, state: Readonly<RenderState>): Promise<void> {
    this.assertOpen();
    const { maxSessions, store } = this.settings;
    const stored = { ...record, data: toJson({ ...sessionData(record), state: JSON.stringify(state) }) };
    const admit = async () => {
      if (maxSessions !== undefined && (await store.count()) >= maxSessions) {
        await this.sweep();
        if ((await store.count()) >= maxSessions) throw new SessionLimitError(maxSessions);
      }
      await store.create(stored);
      this.#recent.set(record);
    };
    return maxSessions === undefined ? admit() : this.#admissions.run('', admit);
  }

  /** Runs `task` after every earlier task of session `id`; refused once shutdown began. */
  enqueue<T>(id: string, task: () => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.#queue.run(id, task);
  }

  /**
   * Applies `data` to the freshest stored state and commits it; on a
   * compare-and-set conflict, re-reads and re-applies. Null when the session is gone.
   * Call through enqueue.
   */
  render(id: string, data: unknown, signal: AbortSignal | undefined, fresh = false): Promise<RenderResult | null> {
    return this.#commit(id, data, null, signal, fresh);
  }

  /**
   * Commits a stream's updates (built at the time of the commit) as a render
   * commits its own: sequenced, logged and published, the state unchanged.
   * StreamRefusedError for a topic session. Call through enqueue.
   */
  streamUpdates(id: string, build: (now: number) => Update[], signal: AbortSignal | undefined): Promise<RenderResult | null> {
    return this.#commit(id, undefined, build, signal, false);
  }

  async #commit(id: string, data: unknown, stream: ((now: number) => Update[]) | null, signal: AbortSignal | undefined, fresh: boolean): Promise<RenderResult | null> {
    const { store, replayLog } = this.settings;
    const start = this.settings.performanceNow();
    let own: JsonValue | undefined;
    for (let attempt = 1; ; attempt++) {
      signal?.throwIfAborted();
      // The record this instance wrote last, if it still has it: the compare-and-set says whether it is current.
      const record = (attempt === 1 ? this.#recent.get(id) : undefined) ?? (await store.get(id));
      if (record === null) return null;
      const current = sessionData(record);
      const now = this.settings.now();
      const expiresAt = this.expiry(record.createdAt, now);
      if (expiresAt <= now) return null;
      const link = current.topic;
      if (stream && link) throw new StreamRefusedError(`session ${id} belongs to topic ${JSON.stringify(link.name)}: streams are for sessions of their own`);
      const topic = link && (await this.#topics.load(link.name, link.at));
      if (topic !== undefined) own ??= jsonCopy(data, "a topic session's data");
      // A stream's updates leave the state as it is: it records nothing of a stream's items.
      const { state, updates, html } = stream
        ? { state: current.state, updates: stream(now) as SessionUpdate[], html: undefined }
        : topic
          ? this.#renderShared(current, topic, own, now, fresh)
          : this.#renderOwn(current, data, now, fresh);
      signal?.throwIfAborted();
      // A topic session's own data is stored even when its page needs nothing: a whole page is rendered from it.
      if (updates.length === 0 && topic === undefined) {
        return this.#rendered(id, start, (await store.touch(id, expiresAt)) ? { updates: [], seq: current.seq, expiresAt, ...(html !== undefined && { html }) } : null);
      }
      const sequenced = updates.map((u, i) => numbered(u, current.seq + i + 1));
      const seq = current.seq + sequenced.length;
      // A store with a log of its own gets the new entries, and the message announcing them, with the write; else the log is in the record.
      const message = sequenced.length > 0 ? encodeMessage({ updates: sequenced }) : undefined;
      const external = this.#externalLog && message !== undefined ? { entries: sequenced.map((u) => JSON.stringify(u)), keep: replayLog, message } : undefined;
      let next: SessionData = { ...current, state, seq, log: this.#externalLog ? [] : appendLog(current.log, sequenced, replayLog) };
      if (link && topic) next = { ...next, own: own!, topic: { ...link, at: topic.seq } };
      try {
        const written = await store.update({ ...record, expiresAt, data: toJson(next) }, external);
        // Before publishing: this instance's own message must not count as news of another's render.
        this.#recent.set({ ...written, data: toJson(next) });
      } catch (error) {
        this.#recent.delete(id);
        if (!(error instanceof StoreError)) throw error;
        // A timed-out write may still land: once the store answers, publish its updates if it did (unless it publishes them itself).
        if (error.code === 'timeout' && external === undefined) this.#settle(id, record.version + 1, sequenced);
        if (error.code === 'not_found') return null;
        if (error.code !== 'conflict') throw error;
        if (attempt < MAX_ATTEMPTS) continue;
        throw new SessionConflictError(`session ${id} kept changing under ${MAX_ATTEMPTS} attempts to render`, { cause: error });
      }
      if (message !== undefined && external === undefined) await store.publish(id, message);
      // The logged updates now belong to the stored record: the caller gets its own.
      const page = html === undefined ? {} : { html };
      if (link === undefined || topic === undefined) return this.#rendered(id, start, { updates: sequenced.map(copy), seq, expiresAt, ...page });
      // A topic session's caller gets positions, as its pages do.
      const at = position(0, topic.seq - link.base);
      return this.#rendered(id, start, { updates: sequenced.map((u) => numbered(u, at + position(u.seq, 0))), seq, expiresAt, at: topic.seq, ...page });
    }
  }

  /** Counts a committed render (a session gone is none) and logs it when it was slow. */
  #rendered(id: string, start: number, result: RenderResult | null): RenderResult | null {
    if (result === null) return null;
    const { metrics, logger, slowRenderMs } = this.settings;
    const ms = this.settings.performanceNow() - start;
    metrics.renders.add();
    metrics.updates.add(result.updates.length);
    metrics.renderMs.record(ms);
    if (ms >= slowRenderMs) logger?.warn({ ...this.#about(id), ms, updates: result.updates.length }, 'statetemplate: slow render');
    return result;
  }

  /** A page of session `id` gets the whole page. */
  #resynced(id: string, reason: ResyncReason): void {
    this.settings.metrics.resyncs++;
    this.settings.logger?.info({ ...this.#about(id), reason }, 'statetemplate: page resynced');
  }

  /** Who a log line is about: the session, and the template when it has a name. */
  #about(id: string): { sessionId: string; template?: string } {
    const { name } = this.settings;
    return name === undefined ? { sessionId: id } : { template: name, sessionId: id };
  }

  /** What metrics() reports: the counters, and what this instance's streams hold now. */
  metrics(): StateTemplateMetrics {
    let streams = 0;
    let queued = 0;
    let queuedBytes = 0;
    for (const channel of this.#channels.values()) {
      for (const stream of channel.streams) {
        streams++;
        queued += stream.queued;
        queuedBytes += stream.queuedBytes;
      }
    }
    return this.settings.metrics.snapshot({ sessions: this.#channels.size, streams, queued, queuedBytes });
  }

  /** `fresh`: the whole page is wanted too (a resync its state cannot rebuild), and the state becomes that page's (core's refresh). */
  #renderOwn(current: SessionData, data: unknown, now: number, fresh: boolean): Rendered {
    const state = workingState(current);
    if (!fresh) return { state, updates: this.settings.template.update(state, data, { now }) as SessionUpdate[] };
    const { html, updates } = this.settings.template.refresh(state, data, { now });
    return { state, updates: updates as SessionUpdate[], html };
  }

  /**
   * A topic session's render of its own data: the state is first brought to
   * the topic's present without a diff (the topic's shared updates reach its
   * pages on their own), then diffed. When that cannot be done, the whole
   * page is sent. A root replace says where the shared regions stand.
   */
  #renderShared(current: SessionData, topic: Topic, data: unknown, now: number, fresh: boolean): Rendered {
    const adopted = topic.adopt(workingState(current), current.topic!.at);
    if (adopted === null) {
      const { html, state } = this.#topicPage(data, topic);
      return { state, updates: [{ fragment_id: ROOT_ID, action: 'replace', html, timestamp: now, seq: 0, at: topic.seq }], html };
    }
    const state = { ...adopted };
    const view = topicView(data, topic.data);
    const { template } = this.settings;
    const { html, updates } = fresh ? template.refresh(state, view, { now }) : { html: undefined, updates: template.update(state, view, { now }) };
    for (const update of updates as SessionUpdate[]) if (update.fragment_id === ROOT_ID) update.at = topic.seq;
    return { state, updates: updates as SessionUpdate[], ...(fresh && { html }) };
  }

  /** Topic `name` as this instance has it; RangeError when it has not loaded it (loadTopic). */
  topic(name: string): Topic {
    return this.#topics.get(name);
  }

  /** Topic `name` at sequence number `seq` at least, read from the store when this instance is behind; RangeError when it has no data. */
  loadTopic(name: string, seq: number): Promise<Topic> {
    return this.#topics.load(name, seq);
  }

  /** Makes `data` the topic's data on every instance: its sessions' shared regions are diffed once per instance, and their live pages updated. */
  async publish(name: string, data: TopicData): Promise<void> {
    this.assertOpen();
    if (!isPlainObject(data)) throw new TypeError(`the data of topic ${JSON.stringify(name)} must be a plain object: its fields join each session's data`);
    await this.#topics.publish(name, jsonCopy(data, `the data of topic ${JSON.stringify(name)}`) as TopicData);
    this.settings.metrics.publishes++;
  }

  /** Who is connected to topic `name`, on every instance. */
  presence(name: string): Promise<Presence> {
    this.assertOpen();
    return this.#presence.view(name);
  }

  /** The page of a new session of topic `name` for its own `data`, with the state to store. */
  async renderTopicSession(name: string, data: unknown): Promise<{ html: string; state: RenderState; link: TopicLink }> {
    const topic = await this.#topics.load(name);
    return { ...this.#topicPage(data, topic), link: { name, at: topic.seq, base: topic.seq } };
  }

  /** A topic session's whole page for its own data, its state holding the topic's copy of the shared regions. */
  #topicPage(own: unknown, topic: Topic): { html: string; state: RenderState } {
    const { html, state } = this.settings.template.render(topicView(own, topic.data));
    return { html, state: topic.share(state) };
  }

  /**
   * Finds out whether a write whose outcome was unknown landed (the record
   * reached `version` holding `updates`) and, if so, publishes its updates:
   * the caller was told it failed, but pages must see what the store holds.
   * Retries while the store does not answer, for about a minute.
   */
  #settle(id: string, version: number, updates: SessionUpdate[], attempt = 0): void {
    const retry = () => {
      if (this.#closed || attempt >= SETTLE_ATTEMPTS) return;
      const timer = setTimeout(() => this.#settle(id, version, updates, attempt + 1), Math.min(8_000, 250 * 2 ** attempt));
      timer.unref();
    };
    // The very updates, not only their numbers: another instance's render may have taken them after ours failed.
    const same = (a: SessionUpdate, b: SessionUpdate) => a.seq === b.seq && a.fragment_id === b.fragment_id && a.action === b.action && a.html === b.html && a.ref === b.ref && a.stream === b.stream && a.limit === b.limit && JSON.stringify(a.attrs) === JSON.stringify(b.attrs);
    this.settings.store.get(id).then(async (record) => {
      if (record === null) return;
      // Not there yet: the write may still be waiting in the store.
      if (record.version < version) return retry();
      const log = await this.#logOf(id, sessionData(record));
      if (updates.every((u) => log.some((logged) => same(logged, u)))) {
        return this.settings.store.publish(id, encodeMessage({ updates })).catch(retry);
      }
    }).catch(retry);
  }

  /** Deletes the session and ends its update streams on every instance. Call through enqueue. */
  async remove(id: string): Promise<void> {
    this.#recent.delete(id);
    await this.settings.store.delete(id);
    await this.#end(id, 'closed');
  }

  /** The updates after `seq`, a resync when the log no longer covers them, or null when the session is gone. */
  since(id: string, seq: number): Promise<SessionUpdate[] | Resync | null> {
    this.assertOpen();
    return this.#sinceAt(id, seq);
  }

  /** As #since, for a position: a topic session's page is either where the session stands or resynced. */
  async #sinceAt(id: string, seq: number): Promise<SessionUpdate[] | Resync | null> {
    const data = await this.#stored(id);
    if (data === null || data.topic === undefined) return data && this.#logged(id, data, seq);
    // A page that another instance brought further along the topic than this one is.
    await this.#topics.load(data.topic.name, Math.max(data.topic.at, data.topic.base + sharedPart(seq)));
    const at = this.positionOf(data);
    if (seq === at && !this.#outdated(data)) return [];
    const resync = await this.#resync(id, data);
    // Where the page now stands: a fresh render (see #rerender) moved the session on.
    return resync && { resync: resync.resync, seq: position(resync.seq, resync.at! - data.topic.base) };
  }

  /** Publishes a command to the session's live pages, on every instance. Call through enqueue. */
  command(id: string, command: SessionCommand): Promise<void> {
    return this.settings.store.publish(id, encodeMessage({ command }));
  }

  /** A stream of the session's updates after `seq`, and its commands if asked. */
  stream<T extends StreamItem<SessionUpdate>>(id: string, seq: number, commands: boolean, link?: TopicLink): LiveUpdates<T> {
    this.assertOpen();
    let channel = this.#channels.get(id);
    if (channel === undefined) {
      // Renders of other instances before this subscription went unheard: the record kept may be behind.
      this.#recent.delete(id);
      channel = new SessionChannel(
        this.settings.store,
        id,
        (closed) => {
          if (this.#channels.get(id) === closed) this.#channels.delete(id);
        },
        (reason) => this.#ended(id, reason),
        (seq) => this.#recent.behind(id, seq),
        reporter(this.settings.logger, 'SessionChannelUnsubscribeError', 'statetemplate: unsubscribing from a session failed'),
      );
      this.#channels.set(id, channel);
    }
    // Unchecked reads: streams must still drain while a shutdown waits for queued work.
    const catchUp: CatchUp = {
      since: (after) => this.#since(id, after),
      snapshot: () => this.#snapshot(id),
      now: this.settings.now,
      coalesced: (count) => void (this.settings.metrics.coalesced += count),
      resynced: (reason) => this.#resynced(id, reason),
    };
    const { streamBuffer } = this.settings;
    if (link === undefined) return channel.open<T>(seq, streamBuffer, catchUp, commands);
    const own = channel.open<T>(ownPart(seq), streamBuffer, catchUp, commands);
    const release = this.#presence.open(link.name, id, link.presence ?? null);
    const shared: SharedStream<T> = new SharedStream<T>(own, this.topic(link.name), link.base, seq, catchUp, () => {
      release();
      this.#sharedStreams.delete(shared);
    });
    this.#sharedStreams.add(shared);
    return shared;
  }

  async #since(id: string, seq: number): Promise<SessionUpdate[] | Resync | null> {
    const data = await this.#stored(id);
    return data && this.#logged(id, data, seq);
  }

  async #snapshot(id: string): Promise<Resync | null> {
    const data = await this.#stored(id);
    return data && this.#resync(id, data);
  }

  /** The session's data as the store holds it now; null when it is gone. */
  async #stored(id: string): Promise<SessionData | null> {
    const record = await this.settings.store.get(id);
    return record && sessionData(record);
  }

  /** The logged updates after `seq`, or the whole page when the log no longer covers them or the page shows a replaced template. */
  async #logged(id: string, data: SessionData, seq: number): Promise<SessionUpdate[] | Resync | null> {
    if (this.#outdated(data)) return this.#resync(id, data);
    return loggedSince({ ...data, log: await this.#logOf(id, data) }, seq) ?? this.#resync(id, data);
  }

  /** Whether the session's state is of a template setTemplate replaced: its pages show that one, whatever their sequence number. */
  #outdated(data: SessionData): boolean {
    if (this.#retired.size === 0) return false;
    const state = typeof data.state === 'string' ? (JSON.parse(data.state) as RenderState) : data.state;
    return this.#retired.has(state.t);
  }

  /** The session's replay log: the store's own (read back to the same bounds) or the record's. */
  async #logOf(id: string, data: SessionData): Promise<readonly SessionUpdate[]> {
    if (!this.#externalLog) return data.log;
    const entries = (await this.settings.store.readLog!(id)).map((entry) => JSON.parse(entry) as SessionUpdate);
    return appendLog([], entries, this.settings.replayLog);
  }

  /** Whether the store keeps each session's log beside its record. */
  get #externalLog(): boolean {
    return typeof this.settings.store.readLog === 'function';
  }

  /**
   * Deletes expired sessions and ends their streams; returns how many were
   * removed. Also ends local streams of sessions that vanished without the
   * end message reaching this instance (pub/sub may drop it).
   */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep().finally(() => {
      this.#sweeping = null;
    });
    return this.#sweeping;
  }

  /** Refuses new work, lets queued work finish, ends all streams and closes the store if it is ours. */
  async shutdown(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopReconciling();
    await this.#queue.idle();
    await Promise.all([...this.#channels.values()].map((channel) => channel.end()));
    await this.#topics.close();
    await this.#presence.close();
    await this.#sweeping?.catch(() => undefined);
    if (this.settings.ownsStore) await this.settings.store.close();
  }

  async #sweep(): Promise<number> {
    const { store } = this.settings;
    let removed = 0;
    for (;;) {
      const ids = await store.getExpired(this.settings.now(), SWEEP_BATCH);
      await Promise.all(
        ids.map(async (id) => {
          await store.delete(id);
          await this.#end(id, 'expired');
        }),
      );
      removed += ids.length;
      if (ids.length < SWEEP_BATCH) break;
    }
    const served = [...this.#channels.keys()];
    const existing = new Set(await store.existing(served));
    await Promise.all(served.filter((id) => !existing.has(id)).map((id) => this.#channels.get(id)?.end()));
    return removed;
  }

  #end(id: string, reason: EndReason): Promise<void> {
    this.#ended(id, reason);
    return this.settings.store.publish(id, encodeMessage({ end: reason }));
  }

  /**
   * Why session `id` ended, when this instance knows: invalidated ('closed')
   * or expired, here or on an instance whose end message reached it. A
   * session gone without either lost its record (a store's data lost).
   */
  endOf(id: string): EndReason | undefined {
    return this.#ends.get(id);
  }

  #ended(id: string, reason: EndReason): void {
    this.#recent.delete(id);
    this.#ends.delete(id);
    this.#ends.set(id, reason);
    if (this.#ends.size > ENDS_KEPT) this.#ends.delete(this.#ends.keys().next().value!);
  }

  async #resync(id: string, data: SessionData): Promise<Resync | null> {
    return (await this.#replay(id, data)) ?? this.#rerender(id);
  }

  /**
   * The whole page without a render of the session: rebuilt from its state,
   * or for a topic session whose state the topic cannot bring forward, its
   * own data's page with the topic's. Null when the state cannot do it: it
   * digested a huge list, or is of another template (setTemplate), which a
   * render must replace so that the page and the state agree again.
   */
  async #replay(id: string, data: SessionData): Promise<Resync | null> {
    const { template, streams } = this.settings;
    const state = workingState(data);
    if (state.t !== template.fingerprint) return null;
    const link = data.topic;
    // The state holds every value the page shows but a stream's items, which the application's refill gives: no copy of the data is kept for this.
    if (link === undefined) return template.replayable(state) ? { resync: template.renderState(state, await refilled(streams, id)), seq: data.seq } : null;
    const topic = this.topic(link.name);
    const adopted = topic.adopt(state, link.at);
    if (adopted !== null && !template.replayable(adopted)) return null;
    const resync = adopted === null ? this.#topicPage(data.own, topic).html : template.renderState(adopted);
    return { resync, seq: data.seq, at: topic.seq };
  }

  /**
   * The whole page when the state cannot rebuild it: a render, after the
   * renders already called, of the application's data (`load`; a topic
   * session's own data is in its record), whose state is the new page's.
   * Other pages get the diff. Without `load`, ResyncUnavailableError: the page must reload.
   */
  #rerender(id: string): Promise<Resync | null> {
    const { load } = this.settings;
    return this.#queue.run(id, async () => {
      const data = await this.#stored(id);
      if (data === null) return null;
      // Another page's rerender may have come first (after setTemplate): the state it wrote rebuilds the page.
      const replayed = await this.#replay(id, data);
      if (replayed !== null) return replayed;
      if (data.topic === undefined && load === undefined) throw new ResyncUnavailableError(id);
      const result = await this.render(id, data.topic === undefined ? await load!(id) : data.own, undefined, true);
      return result && { resync: result.html!, seq: result.seq, ...(result.at !== undefined && { at: result.at }) };
    });
  }

  /** Where a topic session's pages stand once they have everything: its own updates and the topic's now. */
  positionOf(data: SessionData): number {
    const link = data.topic;
    return link === undefined ? data.seq : position(data.seq, this.topic(link.name).seq - link.base);
  }

  /** Throws SessionClosedError once shutdown began. */
  assertOpen(): void {
    if (this.#closed) throw new SessionClosedError('the StateTemplate is closed');
  }
}

interface Rendered {
  state: RenderState;
  updates: SessionUpdate[];
  /** A fresh render's whole page. */
  html?: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A topic session's data: its own, with the topic's fields at the root (the topic's win). */
function topicView(own: unknown, shared: TopicData): Record<string, unknown> {
  if (!isPlainObject(own)) throw new TypeError("a topic session's data must be a plain object: the topic's fields join it");
  return { ...own, ...shared };
}
