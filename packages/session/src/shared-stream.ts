import type { Update } from '@statetemplate/protocol';
import { isCommand, type StreamItem } from './session-command.js';
import { ownPart, position, sharedPart } from './position.js';
import { numbered, rootReplace, type SessionUpdate } from './session-update.js';
import type { Topic, TopicWaiter } from './topic.js';
import type { CatchUp, LiveUpdates, UpdateStream } from './update-stream.js';

type Item = StreamItem<SessionUpdate>;

/** A shared update numbered for one position: every page at the same position gets the very same object. */
const numberings = new WeakMap<Update, Map<number, SessionUpdate>>();

function numberedAt(update: Update, seq: number): SessionUpdate {
  let copies = numberings.get(update);
  if (copies === undefined) numberings.set(update, (copies = new Map()));
  let copy = copies.get(seq);
  if (copy === undefined) {
    // A bounded cache: positions of live pages are few, old ones are not asked again.
    if (copies.size >= 64) copies.clear();
    copies.set(seq, (copy = numbered(update, seq)));
  }
  return copy;
}

/**
 * The updates of a topic session: its own (from its renders, through the
 * session's update stream) merged with the topic's shared updates, which
 * it reads straight from the topic's log when its consumer asks: a publish
 * does nothing per session, and every page gets the same update objects.
 * Positions (position.ts) count both. A shared change that was no shared
 * diff, or a page further behind than the topic's log, gets the whole page.
 */
export class SharedStream<T extends Item> implements LiveUpdates<T>, TopicWaiter {
  /** Own updates delivered. */
  #ownSeq: number;
  /** Topic sequence number the delivered shared regions are at. */
  #at: number;
  /** Shared updates read from the topic and not delivered yet. */
  #pending: readonly Update[] = [];
  #next = 0;
  #stale = false;
  #ended = false;
  /** An item (or failure) of the session's own stream, not handled yet. */
  #taken: { result: IteratorResult<T> } | { error: unknown } | null = null;
  #pulling = false;
  /** Whether the topic will wake this stream at its next publish. */
  #waiting = false;
  #wake: (() => void) | null = null;

  constructor(
    private readonly own: UpdateStream<T>,
    private readonly topic: Topic,
    /** The topic sequence number the session began at. */
    private readonly base: number,
    since: number,
    /** The whole page now, with where it stands; its clock; and what to tell of a whole page sent. */
    private readonly catchUp: Pick<CatchUp, 'snapshot' | 'now' | 'resynced'>,
    /** Called once when the stream ends, however it does: its session's presence on the topic goes. */
    private readonly release: () => void = () => undefined,
  ) {
    this.#ownSeq = ownPart(since);
    // A page asking for the whole page gets it through its own stream's resync.
    this.#at = since < 0 ? topic.seq : base + sharedPart(since);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get seq(): number {
    return position(Math.max(this.#ownSeq, this.own.seq), this.topic.seq - this.base);
  }

  get ended(): boolean {
    return this.#ended;
  }

  end(): void {
    this.#ended = true;
    this.release();
    this.own.end();
    this.#wake?.();
  }

  take(): T | undefined {
    for (;;) {
      const shared = this.#stale ? null : this.#shared();
      if (shared !== null) return shared as T;
      const taken = this.#taken;
      if (this.#stale || taken === null || 'error' in taken || taken.result.done) return undefined;
      this.#taken = null;
      const own = this.#own(taken.result);
      if (own !== null) return own.value;
    }
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      const ready = this.take();
      if (ready !== undefined) return { value: ready, done: false };
      if (this.#stale) return this.#whole();
      const taken = this.#taken;
      if (taken !== null) {
        this.#taken = null;
        if ('error' in taken) throw taken.error;
        return this.#own(taken.result)!;
      }
      this.#pullOwn();
      if (!this.#ended && !this.#waiting) {
        this.#waiting = true;
        this.topic.wait(this);
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = null;
    }
  }

  /** What to deliver of an item of the session's own stream; null for one the page has. */
  #own(result: IteratorResult<T>): IteratorResult<T> | null {
    if (result.done) {
      this.#ended = true;
      return result;
    }
    const item = result.value;
    if (isCommand(item)) return result;
    if (item.seq <= this.#ownSeq) return null;
    this.#ownSeq = item.seq;
    // A whole page from the session shows the shared regions at `at`: what the topic did since follows it.
    if (item.at !== undefined) this.#restart(item.at);
    return { value: numbered(item, position(this.#ownSeq, this.#at - this.base)) as T, done: false };
  }

  /** Asks the session's stream for its next item, once at a time; it wakes next() when it comes. */
  #pullOwn(): void {
    if (this.#pulling) return;
    this.#pulling = true;
    this.own.next().then(
      (result) => this.#arrive({ result }),
      (error: unknown) => this.#arrive({ error }),
    );
  }

  #arrive(taken: { result: IteratorResult<T> } | { error: unknown }): void {
    if (!('result' in taken) || taken.result.done) this.release();
    this.#pulling = false;
    this.#taken = taken;
    this.#wake?.();
  }

  /** The topic published: next() reads its log. */
  wake(): void {
    this.#waiting = false;
    this.#wake?.();
  }

  /** The page needs the whole page anew (its template changed): the next thing delivered is one, and the topic's updates follow it. */
  resync(): void {
    if (this.#ended) return;
    this.#stale = true;
    this.#wake?.();
  }

  async return(): Promise<IteratorResult<T>> {
    this.#ended = true;
    this.release();
    this.#pending = [];
    await this.own.return();
    return { value: undefined, done: true };
  }

  /** The next shared update for the page, read from the topic's log; null when there is none yet. */
  #shared(): SessionUpdate | null {
    if (this.#ended) return null;
    if (this.#next === this.#pending.length) {
      // A page another instance brought further than this one's topic waits for it.
      if (this.topic.seq <= this.#at) return null;
      const entries = this.topic.since(this.#at);
      if (entries === null) {
        this.#stale = true;
        return null;
      }
      this.#pending = entries.length === 1 ? entries[0]!.updates! : entries.flatMap((e) => e.updates!);
      this.#next = 0;
    }
    this.#at++;
    return numberedAt(this.#pending[this.#next++]!, position(this.#ownSeq, this.#at - this.base));
  }

  #restart(at: number): void {
    this.#pending = [];
    this.#next = 0;
    this.#at = at;
  }

  /** The whole page, as one root replace at its position. */
  async #whole(): Promise<IteratorResult<T>> {
    this.#stale = false;
    const snapshot = await this.catchUp.snapshot();
    if (snapshot === null) {
      this.end();
      return { value: undefined, done: true };
    }
    this.catchUp.resynced('topic_log');
    this.#ownSeq = Math.max(this.#ownSeq, snapshot.seq);
    this.#restart(snapshot.at!);
    return { value: rootReplace({ ...snapshot, seq: position(this.#ownSeq, this.#at - this.base) }, this.catchUp.now()) as T, done: false };
  }
}
