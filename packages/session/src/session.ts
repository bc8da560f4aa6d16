import type { JsonValue } from '@statetemplate/protocol';
import { SessionClosedError, SessionExpiredError, SessionNotFoundError, StreamRefusedError } from './errors.js';
import { SessionStream } from './session-stream.js';
import { eventCommand, navigateCommand, redirectCommand, type PageCommand, type SessionCommand } from './session-command.js';
import type { SessionEngine } from './session-engine.js';
import type { Resync, SessionUpdate } from './session-update.js';
import { position } from './position.js';
import type { TopicLink } from './session-data.js';
import type { LiveUpdates } from './update-stream.js';

export interface RenderOptions {
  /** Aborts a render that has not committed yet (while queued or before its write). */
  signal?: AbortSignal;
}

export interface UpdatesOptions {
  /** Start after this sequence number instead of the last one this handle has seen (e.g. a reconnecting client's). */
  since?: number;
  /** Also deliver the session's commands (pushEvent, navigate, redirect), each after the updates before it; default false. */
  commands?: boolean;
}

export interface NavigateOptions {
  /** Replace the page's history entry instead of adding one (replaceState); default false. */
  replace?: boolean;
}

/** A handle on one live session, from StateTemplate.getSession; `View` is the type of the data it renders. */
export class Session<View = unknown> {
  /** Sequence number of the newest update this handle knows of (a topic session's own updates). */
  #seq: number;
  /** A topic session's: the topic sequence number its last render brought it to. */
  #at: number;
  /** The expiry this handle last saw; tells "expired" from "closed elsewhere" once the session is gone. */
  #expiresAt: number;
  #closed = false;
  #closing: Promise<void> | null = null;
  #invalidating: Promise<void> | null = null;
  /** The update streams this handle opened: close() ends them. */
  readonly #streams = new Set<LiveUpdates<SessionUpdate | SessionCommand>>();

  /** @internal Sessions come from StateTemplate.getSession. */
  constructor(
    private readonly engine: SessionEngine,
    readonly id: string,
    seq: number,
    expiresAt: number,
    /** A topic session's topic, as its record said when the handle was made. */
    private readonly topic?: TopicLink,
  ) {
    this.#seq = seq;
    this.#at = topic?.at ?? 0;
    this.#expiresAt = expiresAt;
  }

  /** Sequence number of the newest update this handle has seen (for a topic session, a position: see updates()). */
  get seq(): number {
    return this.topic === undefined ? this.#seq : position(this.#seq, this.#at - this.topic.base);
  }

  /**
   * Renders `data` and resolves to the updates that bring the page to it ([] when
   * nothing changed). Renders of one session apply in call order, across handles.
   */
  render(data: View, options: RenderOptions = {}): Promise<SessionUpdate[]> {
    return this.#run(async () => {
      options.signal?.throwIfAborted();
      const result = await this.engine.render(this.id, data, options.signal);
      if (result === null) throw this.#gone();
      this.#seq = result.seq;
      this.#at = result.at ?? this.#at;
      this.#expiresAt = result.expiresAt;
      return result.updates;
    });
  }

  /**
   * Stream `name` of the template (StateTemplate's `streams`): insert, update,
   * delete and reset its items, which the session does not keep. Its updates
   * go the way renders' do, in call order with them. Core's StreamError
   * `unknown_stream` for another name, StreamRefusedError on a topic session.
   */
  stream(name: string): SessionStream {
    this.#ensureOpen();
    if (this.topic !== undefined) throw new StreamRefusedError(`session ${this.id} belongs to topic ${JSON.stringify(this.topic.name)}: streams are for sessions of their own`);
    return new SessionStream(this.engine.template.stream(name), (build) =>
      this.#run(async () => {
        const result = await this.engine.streamUpdates(this.id, build, undefined);
        if (result === null) throw this.#gone();
        this.#seq = result.seq;
        this.#expiresAt = result.expiresAt;
        return result.updates;
      }),
    );
  }

  /**
   * Every update from now on (or after `since`), as an async iterable. A slow
   * consumer gets coalesced updates, never a wrong page; the stream ends when
   * the session closes or expires, and `break` unsubscribes.
   */
  updates(options?: UpdatesOptions & { commands?: false }): LiveUpdates;
  updates(options: UpdatesOptions & { commands: true }): LiveUpdates<SessionUpdate | SessionCommand>;
  updates(options: UpdatesOptions = {}): LiveUpdates<SessionUpdate | SessionCommand> {
    this.#ensureOpen();
    for (const stream of this.#streams) if (stream.ended) this.#streams.delete(stream);
    const stream = this.engine.stream(this.id, options.since ?? this.seq, options.commands === true, this.topic);
    this.#streams.add(stream);
    return stream;
  }

  /**
   * Sends an event to the session's live pages (their hooks' handleEvent and
   * `st:NAME` listeners on window), after the renders already called. Only
   * pages connected now get it: state that must survive a reconnect belongs in a render.
   */
  pushEvent(name: string, payload: JsonValue = null): Promise<void> {
    return this.#tell(() => eventCommand(name, payload));
  }

  /** Changes the live pages' URL (pushState, or replaceState) to `url`, a path of this site, without a reload. */
  navigate(url: string, options: NavigateOptions = {}): Promise<void> {
    return this.#tell(() => navigateCommand(url, options.replace === true));
  }

  /** Sends the live pages to `url` (a path or an http(s) URL): they load it. */
  redirect(url: string): Promise<void> {
    return this.#tell(() => redirectCommand(url));
  }

  /** The updates after `seq` while the replay log still holds them, else `{ resync, seq }` with the whole page. */
  async updatesSince(seq: number): Promise<SessionUpdate[] | Resync> {
    this.#ensureOpen();
    const missed = await this.engine.since(this.id, seq);
    if (missed === null) throw this.#gone();
    return missed;
  }

  /**
   * Releases this handle after the renders already called: the update
   * streams it opened end (after what they buffered) and it refuses further
   * use. The session lives on for other handles, connections and instances;
   * invalidate() ends it.
   */
  close(): Promise<void> {
    this.#closing ??= this.#run(async () => {
      this.#release();
    });
    return this.#closing;
  }

  /**
   * Revokes the session after the renders already called: deletes it and
   * ends its update streams on every instance, so every live page is told it
   * is gone; this handle is released too. Refused on a released handle
   * (StateTemplate.invalidate takes an id).
   */
  invalidate(): Promise<void> {
    this.#invalidating ??= this.#run(async () => {
      this.#release();
      await this.engine.remove(this.id);
    });
    return this.#invalidating;
  }

  /** Publishes a command after the renders already called; a bad one is refused before it is queued. */
  #tell(build: () => PageCommand): Promise<void> {
    let command: PageCommand;
    try {
      command = build();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#run(() => this.engine.command(this.id, { ...command, after: this.#seq }));
  }

  #release(): void {
    this.#closed = true;
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  #run<T>(task: () => Promise<T>): Promise<T> {
    try {
      this.#ensureOpen();
      // Not async: returning task()'s promise from an async function would cost extra ticks per call.
      return this.engine.enqueue(this.id, () => {
        this.#ensureOpen();
        return task();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #ensureOpen(): void {
    if (this.#closed) throw new SessionClosedError(`session ${this.id} is closed`);
  }

  #gone(): Error {
    const end = this.engine.endOf(this.id);
    if (end === 'closed') return new SessionClosedError(`session ${this.id} was invalidated`);
    if (end === 'expired' || this.#expiresAt <= this.engine.now()) return new SessionExpiredError(`session ${this.id} has expired`);
    // Neither invalidated nor expired as far as this instance knows: its record was lost.
    return new SessionNotFoundError(`session ${this.id} is gone from the store: its record was lost`);
  }
}
