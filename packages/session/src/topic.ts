import type { RenderState, SharedPlan, SharedStates, Template } from '@statetemplate/core';
import type { Update } from '@statetemplate/protocol';
import { weight } from './session-update.js';

/** Data many sessions share: a plain object whose fields go at the root of each session's own data. */
export type TopicData = Readonly<Record<string, unknown>>;

/**
 * One published change: the shared updates that move every page whose
 * shared regions are at `from` to `to` (topic sequence numbers, one per
 * update), or, when the change could not be diffed once for all (a shared
 * region read a session's own data, the fields changed, raw markup), none:
 * pages crossing it are resynced.
 */
export interface TopicEntry {
  readonly from: number;
  readonly to: number;
  readonly updates: readonly Update[] | null;
}

/** A publish worked out and not taken yet: the data, the shared regions' states after it (null: planned afresh), its entry. */
export interface TopicChange {
  readonly data: TopicData;
  readonly states: SharedStates | null;
  readonly entry: TopicEntry;
}

/** A stream waiting for a topic's next publish. */
export interface TopicWaiter {
  wake(): void;
}

/** Entries a topic keeps for pages catching up; past them, or past LOG_BYTES of html, a page resyncs. */
const LOG_ENTRIES = 64;
const LOG_BYTES = 64 * 1024;

/**
 * A topic of one StateTemplate: its data, its sequence number, the shared
 * regions' states for that data (one copy for all its sessions), and its
 * recent entries. Publishing diffs the shared regions once.
 */
export class Topic {
  #data: TopicData;
  #seq = 0;
  #plan: SharedPlan | null = null;
  /** The shared regions' states at #seq, or null when they cannot be shared (then every change resyncs). */
  #states: SharedStates | null = null;
  /** States at the start of each kept entry, by its `from`: a session's state adopts a chain of entries only from these very objects. */
  readonly #statesAt = new Map<number, SharedStates>();
  #log: TopicEntry[] = [];
  /** Streams waiting for the next publish, each woken once. */
  #waiting: TopicWaiter[] = [];

  constructor(
    readonly name: string,
    private template: Template,
    data: TopicData,
    /** Where the topic stands, when other instances published to it before. */
    seq = 0,
  ) {
    this.#data = data;
    this.#seq = seq;
    this.#reshape(data);
  }

  get data(): TopicData {
    return this.#data;
  }

  get seq(): number {
    return this.#seq;
  }

  /**
   * What taking `data` as the topic's new data would do, without doing it
   * (take() does). `to` is the sequence number another instance reached with
   * the same change: a diff here that does not reach it is taken as a gap.
   */
  change(data: TopicData, now: number, to?: number): TopicChange {
    const from = this.#seq;
    const names = new Set([...Object.keys(this.#data), ...Object.keys(data)]);
    const diff = this.#plan !== null && this.#states !== null && sameNames(this.#plan, names) ? this.template.updateShared(this.#plan, this.#states, data, { now }) : null;
    if (diff !== null && (to === undefined || to === from + diff.updates.length)) {
      return { data, states: diff.states, entry: { from, to: from + diff.updates.length, updates: diff.updates } };
    }
    return this.gap(data, to ?? from + 1);
  }

  /** A change to `data` at `to` whose steps this instance missed: pages crossing it get the whole page. */
  gap(data: TopicData, to: number): TopicChange {
    return { data, states: null, entry: { from: this.#seq, to, updates: null } };
  }

  /** Makes a change() of the present the topic's, and wakes the streams waiting for it; returns its entry. */
  take({ data, states, entry }: TopicChange): TopicEntry {
    if (entry.from !== this.#seq) throw new RangeError(`a change from ${entry.from} cannot apply to topic ${JSON.stringify(this.name)} at ${this.#seq}`);
    this.#data = data;
    if (states === null) this.#reshape(data);
    else if (entry.to !== entry.from) {
      this.#statesAt.set(entry.from, this.#states!);
      this.#states = states;
    }
    if (entry.to === entry.from) return entry;
    this.#seq = entry.to;
    this.#keep(entry);
    // Woken once the publisher's own work (store write, announcement) is through: it pays for the diff, not for every viewer.
    const waiting = this.#waiting;
    this.#waiting = [];
    if (waiting.length > 0) setImmediate(() => waiting.forEach((waiter) => waiter.wake()));
    return entry;
  }

  /** The entries after `seq`, or null when they are no longer kept or one of them was no shared diff. */
  since(seq: number): TopicEntry[] | null {
    if (seq === this.#seq) return [];
    const first = this.#log.findIndex((e) => e.from === seq);
    if (first === -1) return null;
    const entries = this.#log.slice(first);
    return entries.every((e) => e.updates !== null) ? entries : null;
  }

  /**
   * A session's state brought from topic sequence `at` to now without a
   * diff of its own, when its shared regions are the very states the topic
   * had at `at` and every change since was a shared diff; else null (also
   * for a state of another template).
   */
  adopt(state: RenderState, at: number): RenderState | null {
    // A state of another template (setTemplate) needs the whole page.
    if (state.t !== this.template.fingerprint) return null;
    if (at === this.#seq) return state;
    if (this.#plan === null || this.#states === null) return null;
    const start = at === this.#seq ? this.#states : this.#statesAt.get(at);
    if (start === undefined || this.since(at) === null) return null;
    // A state read back from the store holds copies: equal ones are as good.
    const own = this.template.adoptShared(state, this.#plan, start, this.#states);
    const copied = own ?? this.template.shareStates(state, this.#plan, start);
    return own ?? (copied && this.template.adoptShared(copied, this.#plan, start, this.#states));
  }

  /** `state` keeping the topic's copy of the shared regions when it holds the same, else as it is. */
  share(state: RenderState): RenderState {
    if (this.#plan === null || this.#states === null) return state;
    return this.template.shareStates(state, this.#plan, this.#states) ?? state;
  }

  /** Follows the StateTemplate to `template`: the shared regions are planned and rendered afresh, and states of the old one adopt nothing. */
  setTemplate(template: Template): void {
    this.template = template;
    this.#reshape(this.#data);
  }

  /** Wakes `waiter` at the next publish, once: call again for the one after. */
  wait(waiter: TopicWaiter): void {
    this.#waiting.push(waiter);
  }

  /** New field names or a change the shared diff refused: plan and render the shared regions afresh. */
  #reshape(data: TopicData): void {
    this.#plan = this.template.sharedPlan(Object.keys(data));
    this.#states = this.#plan && this.template.renderShared(this.#plan, data);
    this.#statesAt.clear();
  }

  #keep(entry: TopicEntry): void {
    this.#log.push(entry);
    let bytes = 0;
    let start = this.#log.length;
    while (start > 0 && this.#log.length - start < LOG_ENTRIES) {
      const size = (this.#log[start - 1]!.updates ?? []).reduce((sum, u) => sum + weight(u), 0);
      if (bytes + size > LOG_BYTES) break;
      bytes += size;
      start--;
    }
    for (const dropped of this.#log.slice(0, start)) this.#statesAt.delete(dropped.from);
    this.#log = this.#log.slice(start);
  }
}

function sameNames(plan: SharedPlan, names: ReadonlySet<string>): boolean {
  return plan.names.size === names.size && [...names].every((n) => plan.names.has(n));
}
