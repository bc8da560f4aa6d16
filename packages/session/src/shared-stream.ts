import type { Update } from '@statetemplate/protocol';
import { isCommand, type StreamItem } from './session-command.js';
import { ownPart, position, sharedPart } from './position.js';
import { numbered, rootReplace, weight, type Resync, type SessionUpdate } from './session-update.js';
import type { Topic, TopicEntry, TopicListener } from './topic.js';
import type { LiveUpdates, UpdateStream } from './update-stream.js';

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

const WOKEN = Symbol('woken');

/**
 * The updates of a topic session: its own (from its renders, through the
 * session's update stream) merged with the topic's shared updates, which
 * it takes straight from the topic as they are published: one diff, and
 * the same update objects, for every session of the topic. Positions
 * (position.ts) count both. A shared change that was no shared diff, a
 * backlog past the bound or a gap the topic no longer covers makes it
 * deliver the whole page instead.
 */
export class SharedStream<T extends Item> implements LiveUpdates<T>, TopicListener {
  /** Own updates delivered. */
  #own: number;
  /** Topic sequence number the delivered shared regions are at. */
  #at: number;
  /** Shared updates taken in and not delivered, each with the topic sequence number it reaches. */
  #pending: { update: Update; at: number }[] = [];
  /** Topic sequence number the pending updates reach. */
  #queued: number;
  #weight = 0;
  #stale = false;
  #pull: Promise<IteratorResult<T>> | null = null;
  #wake: (() => void) | null = null;
  readonly #stop: () => void;

  constructor(
    private readonly own: UpdateStream<T>,
    private readonly topic: Topic,
    /** The topic sequence number the session began at. */
    private readonly base: number,
    since: number,
    private readonly limit: number,
    /** The whole page now, with where it stands. */
    private readonly snapshot: () => Promise<Resync | null>,
    private readonly now: () => number,
  ) {
    this.#own = ownPart(since);
    this.#at = this.#queued = since < 0 ? topic.seq : base + sharedPart(since);
    // A page asking for the whole page gets it from its own stream's resync.
    this.#stop = topic.listen(this);
    this.#fill();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  get seq(): number {
    return position(Math.max(this.#own, this.own.seq), this.#queued - this.base);
  }

  get ended(): boolean {
    return this.own.ended;
  }

  end(): void {
    this.#stop();
    this.own.end();
    this.#wake?.();
  }

  published(entry: TopicEntry): void {
    if (entry.from < this.#queued) return;
    if (entry.from > this.#queued || entry.updates === null) return this.#resync();
    for (const update of entry.updates) this.#take(update, ++this.#queued);
    this.#wake?.();
  }

  async next(): Promise<IteratorResult<T>> {
    for (;;) {
      if (this.#stale) return this.#whole();
      const shared = this.#pending.shift();
      if (shared !== undefined) {
        this.#weight -= weight(shared.update);
        this.#at = shared.at;
        return { value: numberedAt(shared.update, position(this.#own, this.#at - this.base)) as T, done: false };
      }
      this.#pull ??= this.own.next();
      const woken = new Promise<typeof WOKEN>((resolve) => (this.#wake = () => resolve(WOKEN)));
      const result = await Promise.race([this.#pull, woken]);
      this.#wake = null;
      if (result === WOKEN) continue;
      this.#pull = null;
      if (result.done) {
        this.#stop();
        return result;
      }
      const item = result.value;
      if (isCommand(item)) return result;
      if (item.seq <= this.#own) continue;
      this.#own = item.seq;
      // A whole page from the session shows the shared regions at `at`: what the topic did since follows it.
      if (item.at !== undefined) this.#restart(item.at);
      return { value: numbered(item, position(this.#own, this.#at - this.base)) as T, done: false };
    }
  }

  async return(): Promise<IteratorResult<T>> {
    this.#pending = [];
    this.end();
    await this.own.return();
    return { value: undefined, done: true };
  }

  #take(update: Update, at: number): void {
    this.#pending.push({ update, at });
    if ((this.#weight += weight(update)) > this.limit) this.#resync();
  }

  /** Queues what the topic published after the page's shared regions. */
  #fill(): void {
    const entries = this.topic.since(this.#queued);
    if (entries === null) return this.#resync();
    for (const entry of entries) for (const update of entry.updates!) this.#take(update, ++this.#queued);
  }

  #restart(at: number): void {
    this.#pending = [];
    this.#weight = 0;
    this.#at = this.#queued = at;
    this.#fill();
  }

  #resync(): void {
    this.#pending = [];
    this.#weight = 0;
    this.#stale = true;
    this.#wake?.();
  }

  /** The whole page, as one root replace at its position. */
  async #whole(): Promise<IteratorResult<T>> {
    this.#stale = false;
    const snapshot = await this.snapshot();
    if (snapshot === null) {
      this.end();
      return { value: undefined, done: true };
    }
    this.#own = Math.max(this.#own, snapshot.seq);
    this.#restart(snapshot.at!);
    return { value: rootReplace({ ...snapshot, seq: position(this.#own, this.#at - this.base) }, this.now()) as T, done: false };
  }
}
