import { randomUUID } from 'node:crypto';
import { StoreError, type JsonValue, type SessionStore } from '@statetemplate/store';
import { MAX_ATTEMPTS, sideRecord } from './side-records.js';

/** A session connected to a topic: at least one of its update streams is open, on some instance. */
export interface PresenceEntry {
  readonly sessionId: string;
  /** What the application gave the session for presence (`newSession`'s `presence`), or null. */
  readonly meta: JsonValue | null;
}

export interface PresenceEvent extends PresenceEntry {
  readonly type: 'join' | 'leave';
}

/** The sessions connected to one topic, across instances, kept up to date. */
export interface Presence {
  /** Who is connected now, as far as this instance has heard. */
  list(): PresenceEntry[];
  /** Calls `listener` at each join and leave; returns the function that stops it. */
  subscribe(listener: (event: PresenceEvent) => void): () => void;
}

type Entries = Readonly<Record<string, JsonValue | null>>;

/**
 * An announcement on a topic's presence channel, sent once the instance's
 * record holds it: `n` counts the instance's changes, and its record says
 * the last it holds.
 */
interface Announcement {
  readonly instance: string;
  readonly n: number;
  readonly join?: readonly (readonly [string, JsonValue | null])[];
  readonly leave?: readonly string[];
  /** The instance closed: all its sessions left. */
  readonly gone?: true;
}

/** Store ids: the topic's directory of instances (also its channel) and each instance's entries. Session ids never hold a colon. */
const directoryId = (topic: string) => `presence:${topic}`;
const entriesId = (topic: string, instance: string) => `presence:${topic}:${instance}`;

/** This instance's connected sessions of one topic, and the record that tells the other instances. */
class LocalEntries {
  /** Open streams per session. */
  readonly streams = new Map<string, number>();
  readonly meta = new Map<string, JsonValue | null>();
  /** Changes made. */
  n = 0;
  /** Changes the record does not hold yet, to announce once it does. */
  joins = new Map<string, JsonValue | null>();
  leaves = new Set<string>();
  version = 0;
  /** The record is behind the changes. */
  dirty = false;
  writing: Promise<void> | null = null;
}

/** What this instance has heard of one topic's presence: each instance's entries, and how many instances hold each session. */
class View implements Presence {
  /** `heard`: when an instance with no record read yet was first heard of (its first record write may be under way). */
  readonly #instances = new Map<string, { n: number; entries: Map<string, JsonValue | null>; heard: number | null }>();
  readonly #holders = new Map<string, { count: number; meta: JsonValue | null }>();
  readonly #listeners = new Set<(event: PresenceEvent) => void>();

  /** `onListenerError`: a listener threw. */
  constructor(private readonly onListenerError: (error: unknown) => void) {}

  list(): PresenceEntry[] {
    return [...this.#holders].map(([sessionId, { meta }]) => ({ sessionId, meta }));
  }

  subscribe(listener: (event: PresenceEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** The instances heard of, each with when it was first heard of if no record of it was read yet. */
  instances(): [string, number | null][] {
    return [...this.#instances].map(([instance, { heard }]) => [instance, heard]);
  }

  /** An instance's whole entries as of its announcement `n` (a record); null: the instance is gone. One older than what was heard is stale. */
  set(instance: string, n: number, entries: Entries | null): void {
    const known = this.#instances.get(instance);
    if (entries !== null && known !== undefined && known.n > n) return;
    const next = new Map(entries === null ? [] : Object.entries(entries));
    for (const id of known?.entries.keys() ?? []) if (!next.has(id)) this.#remove(known!.entries, id);
    const held = known?.entries ?? new Map<string, JsonValue | null>();
    for (const [id, meta] of next) if (!held.has(id)) this.#add(held, id, meta);
    if (entries === null) this.#instances.delete(instance);
    else this.#instances.set(instance, { n, entries: held, heard: null });
  }

  /** One announcement, unless a record already covered it. */
  change(a: Announcement, now: number): void {
    if (a.gone) return this.set(a.instance, a.n, null);
    let known = this.#instances.get(a.instance);
    if (known !== undefined && known.n >= a.n) return;
    if (known === undefined) this.#instances.set(a.instance, (known = { n: a.n, entries: new Map(), heard: now }));
    known.n = a.n;
    for (const id of a.leave ?? []) this.#remove(known.entries, id);
    for (const [id, meta] of a.join ?? []) if (!known.entries.has(id)) this.#add(known.entries, id, meta);
  }

  #add(entries: Map<string, JsonValue | null>, id: string, meta: JsonValue | null): void {
    entries.set(id, meta);
    const holder = this.#holders.get(id);
    if (holder !== undefined) return void holder.count++;
    this.#holders.set(id, { count: 1, meta });
    this.#emit({ type: 'join', sessionId: id, meta });
  }

  #remove(entries: Map<string, JsonValue | null>, id: string): void {
    if (!entries.delete(id)) return;
    const holder = this.#holders.get(id)!;
    if (--holder.count > 0) return;
    this.#holders.delete(id);
    this.#emit({ type: 'leave', sessionId: id, meta: holder.meta });
  }

  #emit(event: PresenceEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }
}

/**
 * Presence through the store contract alone. Each instance writes its
 * topic's connected sessions in a record of its own, expiring `timeout` ms
 * after its last refresh (every third of it), and lists itself in the
 * topic's directory; joins and leaves are announced on the topic's channel.
 * A view reads the directory and every listed record, then follows the
 * channel, and reads again at each refresh: an instance killed without a
 * word stops refreshing, its record expires, and its sessions leave within
 * about 4/3 of `timeout`. A session's entries go when its streams end,
 * which they do when it expires.
 */
export class PresenceRegistry {
  readonly #instance = randomUUID();
  readonly #local = new Map<string, LocalEntries>();
  readonly #views = new Map<string, Promise<View>>();
  readonly #unsubscribes: Promise<() => Promise<void>>[] = [];
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(
    private readonly store: SessionStore,
    private readonly now: () => number,
    private readonly timeout: number,
    private readonly onError: (error: unknown) => void,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    this.#timer = setInterval(() => void this.refresh(), Math.max(1, Math.floor(timeout / 3)));
    this.#timer.unref();
  }

  /** A stream of session `id` opened on topic `topic`; the function returned closes it (once). */
  open(topic: string, id: string, meta: JsonValue | null): () => void {
    let local = this.#local.get(topic);
    if (local === undefined) this.#local.set(topic, (local = new LocalEntries()));
    const count = local.streams.get(id) ?? 0;
    local.streams.set(id, count + 1);
    if (count === 0) {
      local.meta.set(id, meta);
      this.#change(topic, local, id, meta);
    }
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      const left = local.streams.get(id)! - 1;
      if (left > 0) return void local.streams.set(id, left);
      local.streams.delete(id);
      local.meta.delete(id);
      this.#change(topic, local, id);
    };
  }

  /** The presence of `topic`, as every instance's records and announcements tell. */
  view(topic: string): Promise<View> {
    let view = this.#views.get(topic);
    if (view === undefined) {
      view = this.#follow(topic);
      this.#views.set(topic, view);
      view.catch(() => this.#views.delete(topic));
    }
    return view;
  }

  /** Rewrites this instance's records (keeping them from expiring) and re-reads every view. */
  async refresh(): Promise<void> {
    if (this.#closed) return;
    try {
      await Promise.all([...this.#local].map(([topic, local]) => this.#write(topic, local, true)));
      await Promise.all([...this.#views].map(async ([topic, view]) => this.#read(topic, await view)));
    } catch (error) {
      this.onError(error);
    }
  }

  /** Stops refreshing and says this instance's sessions left. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await Promise.all(
      [...this.#local].map(async ([topic, local]) => {
        await local.writing?.catch(() => undefined);
        await this.store.publish(directoryId(topic), JSON.stringify({ instance: this.#instance, n: ++local.n, gone: true }));
        await this.store.delete(entriesId(topic, this.#instance));
        await this.#editDirectory(topic, (listed) => (listed.includes(this.#instance) ? listed.filter((i) => i !== this.#instance) : null));
      }),
    ).catch(this.onError);
    for (const unsubscribe of this.#unsubscribes) await (await unsubscribe)().catch(() => undefined);
  }

  /** Session `id` joined (with its meta) or, without meta, left. */
  #change(topic: string, local: LocalEntries, id: string, ...meta: [JsonValue | null] | []): void {
    if (this.#closed) return;
    const n = ++local.n;
    local.joins.delete(id);
    local.leaves.delete(id);
    if (meta.length === 1) local.joins.set(id, meta[0]);
    else local.leaves.add(id);
    // The view here learns at once; other instances once the record holds it.
    const change = meta.length === 1 ? { join: [[id, meta[0]] as const] } : { leave: [id] };
    void this.#views.get(topic)?.then((view) => view.change({ instance: this.#instance, n, ...change }, this.now()));
    local.dirty = true;
    void this.#write(topic, local, false).catch(this.onError);
  }

  /** Writes this instance's record of `topic` when it is behind (or, to refresh, anyway); one write at a time. */
  async #write(topic: string, local: LocalEntries, refresh: boolean): Promise<void> {
    // A failed write is its writer's to report.
    while (local.writing !== null) await local.writing.catch(() => undefined);
    if (!local.dirty && !refresh) return;
    local.dirty = false;
    local.writing = this.#store(topic, local).finally(() => {
      local.writing = null;
    });
    await local.writing;
  }

  async #store(topic: string, local: LocalEntries): Promise<void> {
    const { n, joins, leaves } = local;
    local.joins = new Map();
    local.leaves = new Set();
    const data = { n, entries: Object.fromEntries(local.meta) as Entries };
    try {
      await this.#put(topic, local, data);
    } catch (error) {
      // The record stays behind: the next refresh writes it, and views read it then.
      local.dirty = true;
      throw error;
    }
    if (joins.size === 0 && leaves.size === 0) return;
    const announcement: Announcement = { instance: this.#instance, n, ...(joins.size > 0 && { join: [...joins] }), ...(leaves.size > 0 && { leave: [...leaves] }) };
    await this.store.publish(directoryId(topic), JSON.stringify(announcement));
  }

  /** Writes this instance's record, expiring `timeout` from now; creates it (and lists the instance) when it is not there. */
  async #put(topic: string, local: LocalEntries, data: { n: number; entries: Entries }): Promise<void> {
    const record = sideRecord(entriesId(topic, this.#instance), local.version, data, this.now() + this.timeout);
    if (local.version > 0) {
      try {
        local.version = (await this.store.update(record)).version;
        return;
      } catch (error) {
        // Expired (this instance was too slow to refresh), maybe swept: made anew below.
        if (!(error instanceof StoreError) || error.code !== 'not_found') throw error;
      }
    }
    await this.store.delete(record.id);
    await this.store.create({ ...record, version: 1 });
    local.version = 1;
    await this.#list(topic);
  }

  /** Adds this instance to the topic's directory. */
  async #list(topic: string): Promise<void> {
    await this.#editDirectory(topic, (instances) => (instances.includes(this.#instance) ? null : [...instances, this.#instance]));
  }

  /** Compare-and-set on the directory: `edit` returns the new list, or null to leave it. */
  async #editDirectory(topic: string, edit: (instances: readonly string[]) => readonly string[] | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const record = await this.store.get(directoryId(topic));
      const instances = record === null ? [] : directory(topic, record.data);
      const next = edit(instances);
      if (next === null) return;
      const data = { instances: [...next] };
      try {
        if (record === null) await this.store.create(sideRecord(directoryId(topic), 1, data));
        else await this.store.update({ ...record, data });
        return;
      } catch (error) {
        if (!(error instanceof StoreError) || error.code !== 'conflict' || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  async #follow(topic: string): Promise<View> {
    const view = new View(this.onListenerError);
    const unsubscribe = this.store.subscribe(directoryId(topic), (message) => {
      const announcement = parseAnnouncement(message);
      if (announcement !== null) view.change(announcement, this.now());
    });
    this.#unsubscribes.push(unsubscribe);
    await unsubscribe;
    await this.#read(topic, view);
    // This instance's own, as they are now: its record may be behind.
    const local = this.#local.get(topic);
    if (local !== undefined) view.set(this.#instance, local.n, Object.fromEntries(local.meta));
    return view;
  }

  /** Reads the directory and each listed instance's record into `view`; drops instances whose record is gone. */
  async #read(topic: string, view: View): Promise<void> {
    const record = await this.store.get(directoryId(topic));
    const listed = record === null ? [] : directory(topic, record.data);
    const records = await Promise.all(listed.map((instance) => this.store.get(entriesId(topic, instance))));
    const gone = listed.filter((_, i) => records[i] === null && listed[i] !== this.#instance);
    listed.forEach((instance, i) => {
      const found = records[i] ?? null;
      if (found !== null) view.set(instance, ...recordEntries(topic, found.data));
    });
    // Gone: its record expired, or it left the directory; or it was heard of but never wrote its record in time.
    const now = this.now();
    for (const [instance, heard] of view.instances()) {
      if (instance === this.#instance || (listed.includes(instance) && !gone.includes(instance))) continue;
      if (heard === null || now - heard > this.timeout) view.set(instance, 0, null);
    }
    if (gone.length > 0) await this.#editDirectory(topic, (now) => (now.some((i) => gone.includes(i)) ? now.filter((i) => !gone.includes(i)) : null));
  }
}

function directory(topic: string, data: JsonValue): readonly string[] {
  const instances = (data as { instances?: unknown } | null)?.instances;
  if (!Array.isArray(instances) || !instances.every((i) => typeof i === 'string')) throw new StoreError('invalid', `the store's presence directory of topic ${JSON.stringify(topic)} is not one`);
  return instances;
}

/** A presence record's announcement count and entries. */
function recordEntries(topic: string, data: JsonValue): [number, Entries] {
  const { n, entries } = (data ?? {}) as { n?: unknown; entries?: unknown };
  if (!Number.isSafeInteger(n) || typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
    throw new StoreError('invalid', `a presence record of topic ${JSON.stringify(topic)} is not one`);
  }
  return [n as number, entries as Entries];
}

/** An announcement, or null for a message that is not one. */
function parseAnnouncement(message: string): Announcement | null {
  try {
    const parsed = JSON.parse(message) as Partial<Announcement> | null;
    if (typeof parsed?.instance !== 'string' || !Number.isSafeInteger(parsed.n)) return null;
    if (parsed.join !== undefined && !(Array.isArray(parsed.join) && parsed.join.every((j) => Array.isArray(j) && typeof j[0] === 'string'))) return null;
    if (parsed.leave !== undefined && !(Array.isArray(parsed.leave) && parsed.leave.every((id) => typeof id === 'string'))) return null;
    return parsed as Announcement;
  } catch {
    return null;
  }
}
