import { coalesce } from './coalesce.js';
import { isCommand, type SessionCommand, type StreamItem } from './session-command.js';
import { rootReplace, weight, type Resync, type SessionUpdate } from './session-update.js';

/** How a stream reads missed state from the store; null means the session is gone. */
export interface CatchUp {
  /** The updates after `seq`, or a resync when the replay log no longer covers it. */
  since(seq: number): Promise<SessionUpdate[] | Resync | null>;
  /** The whole page now. */
  snapshot(): Promise<Resync | null>;
  /** The clock that stamps a resync's root replace. */
  now(): number;
  /** `count` updates were dropped from the buffer: coalesced away, or collapsed into a whole page to come. */
  coalesced(count: number): void;
  /** The stream delivers a whole page instead of updates, and why. */
  resynced(reason: ResyncReason): void;
}

/** Why a stream sent a whole page: its backlog collapsed, the replay log no longer reached back, or a topic's log did not. */
export type ResyncReason = 'backlog' | 'replay_log' | 'topic_log';

type Item = StreamItem<SessionUpdate>;

/** A command that came during a store read; `waited` when that read was for it. */
interface Held {
  readonly command: SessionCommand;
  readonly waited: boolean;
}

/** What `Session.updates()` returns: its updates (and commands, if asked), as an async iterator. */
export interface LiveUpdates<T extends Item = SessionUpdate> extends AsyncIterableIterator<T> {
  /** The highest sequence number taken in: buffered, delivered or covered by a resync to come. */
  readonly seq: number;
  /** Whether end() was called: nothing more comes in. */
  readonly ended: boolean;
  /** No more updates will come; what is buffered is still delivered. */
  end(): void;
  /** The next item if one is ready now, without waiting; undefined when next() has to wait (or read the store). */
  take(): T | undefined;
  /** Unsubscribes and drops what is buffered (what `break` in for-await calls). */
  return(): Promise<IteratorResult<T>>;
}

/**
 * One `updates()` subscription. Updates arrive from the channel in publish
 * order; a gap in the sequence (messages of several instances cross, or the
 * subscription started late) is filled from the store's replay log. The
 * buffer is bounded by `limit` (about bytes of html): past it, superseded
 * updates are coalesced away, and if that is not enough the buffer collapses
 * into one replace of the root, rendered when the consumer asks for it.
 * A stream opened for commands delivers them too, each after the updates it
 * follows; a collapse keeps them, but the oldest past half the bound.
 */
export class UpdateStream<T extends Item = SessionUpdate> implements LiveUpdates<T> {
  #buffer: Item[] = [];
  #weight = 0;
  /** Highest sequence number taken in (buffered, delivered or covered by a snapshot). */
  #seq: number;
  /** The buffer was collapsed: the next thing to deliver is a fresh snapshot. */
  #stale = false;
  /** resync() was called during a store read: the page needs a snapshot taken after it. */
  #restale = false;
  /** A store read in flight; messages arriving meanwhile wait in #held. */
  #reading: Promise<void> | null = null;
  #held: (SessionUpdate[] | Held)[] = [];
  #ended = false;
  /** return() was called: nothing more is delivered, not even what a store read in flight brings. */
  #dropped = false;
  #failure: { error: unknown } | null = null;
  #wake: (() => void)[] = [];

  constructor(
    seq: number,
    private readonly limit: number,
    private readonly catchUp: CatchUp,
    private readonly detach: (stream: UpdateStream<Item>) => void,
    /** Whether the consumer takes commands. */
    private readonly commands = false,
  ) {
    this.#seq = seq;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Takes a message's updates, in publish order. */
  push(updates: SessionUpdate[]): void {
    if (!this.#ended) this.#take(updates);
  }

  #take(updates: SessionUpdate[]): void {
    if (this.#reading !== null) {
      this.#held.push(updates);
      return;
    }
    const fresh = updates.filter((u) => u.seq > this.#seq);
    if (fresh.length === 0) return;
    if (fresh[0]!.seq === this.#seq + 1) this.#accept(fresh);
    else this.#catchUp(fresh);
  }

  /**
   * Takes a command. One after an update not yet taken in waits for the
   * store's log (its update's message was lost or is late), unless it comes
   * back from such a wait.
   */
  command(command: SessionCommand): void {
    if (!this.#ended) this.#command(command, false);
  }

  #command(command: SessionCommand, waited: boolean): void {
    if (!this.commands) return;
    if (this.#reading !== null) return void this.#held.push({ command, waited });
    if (command.after > this.#seq && !waited) return this.#catchUp(command);
    this.#accept([command]);
  }

  /** Asks the store whether anything after our sequence number was missed (used when subscribing). */
  check(): void {
    if (!this.#ended && this.#reading === null) this.#catchUp();
  }

  /**
   * The page needs the whole page anew (its template changed): the next
   * thing delivered is a snapshot read after this call, which supersedes
   * what is buffered (but commands).
   */
  resync(): void {
    if (this.#ended) return;
    // A read in flight may bring a page of before the call.
    if (this.#reading !== null) this.#restale = true;
    this.#stale = true;
    this.#notify();
  }

  /** The highest sequence number taken in: buffered, delivered or covered by a resync to come. */
  get seq(): number {
    return this.#seq;
  }

  /** Whether end() was called: nothing more comes in. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Items buffered for the consumer. */
  get queued(): number {
    return this.#buffer.length;
  }

  /** About the bytes of html buffered. */
  get queuedBytes(): number {
    return this.#weight;
  }

  /** No more updates will come; what is buffered is still delivered, with what a store read in flight and the messages held for it bring. */
  end(): void {
    this.#ended = true;
    this.#stale = false;
    this.detach(this);
    this.#notify();
  }

  /** Ends the stream with an error, delivered after what is buffered; no-op once ended. */
  fail(error: unknown): void {
    if (this.#ended) return;
    this.#failure = { error };
    this.end();
  }

  take(): T | undefined {
    if (this.#stale || this.#reading !== null) return undefined;
    const item = this.#buffer.shift();
    if (item !== undefined) this.#weight -= weightOf(item);
    return item as T | undefined;
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      const item = this.take();
      if (item !== undefined) return { value: item, done: false };
      if (this.#stale && this.#reading === null) {
        this.#read(async () => this.#resync(await this.catchUp.snapshot(), 'backlog'));
      }
      if (this.#reading !== null) {
        await this.#reading;
        continue;
      }
      if (this.#failure !== null) {
        const { error } = this.#failure;
        this.#failure = null;
        throw error;
      }
      if (this.#ended) return { value: undefined, done: true };
      await new Promise<void>((resolve) => this.#wake.push(resolve));
    }
  }

  /** Called by `break` in for-await: unsubscribes and drops what is buffered. */
  async return(): Promise<IteratorResult<T>> {
    this.#dropped = true;
    this.#buffer = [];
    this.#held = [];
    this.#weight = 0;
    this.end();
    return { value: undefined, done: true };
  }

  #accept(items: Item[]): void {
    for (const item of items) {
      this.#buffer.push(item);
      this.#weight += weightOf(item);
      if (!isCommand(item)) this.#seq = item.seq;
    }
    if (this.#weight > this.limit) this.#shrink();
    this.#notify();
  }

  /**
   * Coalesces; unless that frees half the bound, collapses to a pending
   * snapshot. The hysteresis keeps a flood from re-coalescing on every update.
   */
  #shrink(): void {
    const updates = countUpdates(this.#buffer);
    const kept = new Set<Item>(coalesce(this.#buffer.filter((item) => !isCommand(item)) as SessionUpdate[]));
    this.#keep((item) => isCommand(item) || kept.has(item));
    if (this.#weight > this.limit / 2) {
      if (!this.#buffer.every(isCommand)) {
        this.#keep(isCommand);
        this.#stale = true;
      }
      while (this.#weight > this.limit / 2) this.#weight -= weightOf(this.#buffer.shift()!);
    }
    this.catchUp.coalesced(updates - countUpdates(this.#buffer));
  }

  #keep(test: (item: Item) => boolean): void {
    this.#buffer = this.#buffer.filter(test);
    this.#weight = this.#buffer.reduce((sum, item) => sum + weightOf(item), 0);
  }

  /** Takes what a store read found; a read that finishes after return() is ignored. */
  #fill(missed: SessionUpdate[] | Resync | null): void {
    if (this.#dropped) return;
    if (missed === null) this.end();
    else if (Array.isArray(missed)) {
      const fresh = missed.filter((u) => u.seq > this.#seq);
      if (fresh.length > 0) this.#accept(fresh);
    } else this.#resync(missed, 'replay_log');
  }

  /** A root replace supersedes everything before it; newer buffered updates stay. */
  #resync(snapshot: Resync | null, reason: ResyncReason): void {
    this.#stale = false;
    if (this.#dropped) return;
    if (snapshot === null) {
      this.end();
      return;
    }
    this.catchUp.resynced(reason);
    this.#keep((item) => isCommand(item) || item.seq > snapshot.seq);
    const replace = rootReplace(snapshot, this.catchUp.now());
    this.#buffer.unshift(replace);
    this.#weight += weightOf(replace);
    this.#seq = Math.max(this.#seq, snapshot.seq);
    this.#notify();
  }

  /** Reads what the store logged after our sequence number; `first` is taken in after it. */
  #catchUp(first?: SessionUpdate[] | SessionCommand): void {
    // A command read for has waited: it goes after what the read brings, even if its update is not there.
    this.#read(async () => this.#fill(await this.catchUp.since(this.#seq)), first === undefined || Array.isArray(first) ? first : { command: first, waited: true });
  }

  /** Runs one store read at a time; then replays the messages that arrived meanwhile. */
  #read(task: () => Promise<void>, first?: SessionUpdate[] | Held): void {
    if (first !== undefined) this.#held.push(first);
    this.#reading = task()
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.#reading = null;
        if (this.#restale && !this.#ended) this.#stale = true;
        this.#restale = false;
        const held = this.#held;
        this.#held = [];
        for (const message of held) {
          if (Array.isArray(message)) this.#take(message);
          else this.#command(message.command, message.waited);
        }
        this.#notify();
      });
  }

  #notify(): void {
    const waiting = this.#wake;
    this.#wake = [];
    for (const wake of waiting) wake();
  }
}

/** Rough memory an item holds. */
function weightOf(item: Item): number {
  return isCommand(item) ? 64 + (item.command === 'event' ? JSON.stringify(item.payload).length : item.url.length) : weight(item);
}

function countUpdates(items: readonly Item[]): number {
  let n = 0;
  for (const item of items) if (!isCommand(item)) n++;
  return n;
}
