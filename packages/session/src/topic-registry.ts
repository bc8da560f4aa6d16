import type { Template } from '@statetemplate/core';
import { StoreError, type JsonValue, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { KeyedQueue } from './keyed-queue.js';
import { MAX_ATTEMPTS, sideRecord } from './side-records.js';
import { Topic, type TopicData } from './topic.js';

/** What a topic's record holds and its messages carry: its data, and its sequence numbers before and after the publish that made it. */
interface Published {
  readonly data: TopicData;
  readonly from: number;
  readonly seq: number;
}

interface Known {
  readonly topic: Topic;
  /** The version of the topic's record that `topic` stands at. */
  version: number;
  readonly unsubscribe: () => Promise<void>;
}

/** Store ids of topic records and channels: session ids never hold a colon. */
const topicId = (name: string) => `topic:${name}`;

/**
 * The topics of one StateTemplate, kept in step with every instance sharing
 * its store. A topic is a record (data and sequence numbers, written by
 * compare-and-set) and a channel: a publish is diffed on its instance,
 * stored, then announced; other instances take the announced data and diff
 * it once each for their own sessions. One that missed an announcement
 * (a lost message, a late subscription) finds out from the record and
 * counts the change as a gap: its pages crossing it get the whole page.
 * Every instance numbers the topic's updates alike, so a page may move between them.
 */
export class TopicRegistry {
  readonly #known = new Map<string, Known>();
  readonly #opening = new Map<string, Promise<Known | null>>();
  /** Publishes, announcements and store reads of one topic, one at a time. */
  readonly #queue = new KeyedQueue();

  constructor(
    private readonly store: SessionStore,
    private template: Template,
    private readonly now: () => number,
  ) {}

  /** Topic `name` as this instance has it; RangeError when it has not loaded it (see load). */
  get(name: string): Topic {
    const known = this.#known.get(name);
    if (known === undefined) throw new RangeError(`no topic ${JSON.stringify(name)} here: publish its data first`);
    return known.topic;
  }

  /** Topic `name`, at sequence number `seq` at least, loaded from the store when needed; RangeError when nothing was published to it. */
  async load(name: string, seq = 0): Promise<Topic> {
    const known = this.#known.get(name) ?? (await this.#open(name));
    if (known === null) throw new RangeError(`no topic ${JSON.stringify(name)}: publish its data first`);
    if (known.topic.seq < seq) await this.#queue.run(name, () => this.#refresh(name, known));
    return known.topic;
  }

  /** Makes `data` the data of topic `name` on every instance; resolves once stored and announced. */
  publish(name: string, data: TopicData): Promise<void> {
    return this.#queue.run(name, async () => {
      for (let attempt = 1; ; attempt++) {
        const known = this.#known.get(name) ?? (await this.#open(name));
        if (known === null) {
          if (await this.#create(name, data)) return;
          continue;
        }
        const change = known.topic.change(data, this.now());
        const published = { data, from: change.entry.from, seq: change.entry.to };
        try {
          const written = await this.store.update(topicRecord(name, known.version, published));
          known.topic.take(change);
          known.version = written.version;
        } catch (error) {
          if (!(error instanceof StoreError) || error.code !== 'conflict' || attempt >= MAX_ATTEMPTS) throw error;
          await this.#refresh(name, known);
          continue;
        }
        return this.store.publish(topicId(name), `${known.version}\n${JSON.stringify(published)}`);
      }
    });
  }

  /** Moves every topic to `template` (StateTemplate's setTemplate), each between its publishes. */
  async setTemplate(template: Template): Promise<void> {
    this.template = template;
    await Promise.all([...this.#known].map(([name, known]) => this.#queue.run(name, async () => known.topic.setTemplate(template))));
  }

  /** Checks every topic against its record: fills what a lost announcement missed. A failed read waits for the next call. */
  async reconcile(): Promise<void> {
    await Promise.all([...this.#known].map(([name, known]) => this.#queue.run(name, () => this.#refresh(name, known)).catch(() => undefined)));
  }

  async close(): Promise<void> {
    await this.#queue.idle();
    const known = [...this.#known.values()];
    this.#known.clear();
    await Promise.all(known.map((k) => k.unsubscribe().catch(() => undefined)));
  }

  /** The first publish anywhere: false when another instance created the topic first. */
  async #create(name: string, data: TopicData): Promise<boolean> {
    try {
      await this.store.create(topicRecord(name, 0, { data, from: 0, seq: 0 }));
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') return false;
      throw error;
    }
    await this.#open(name);
    return true;
  }

  /** Subscribes to the topic's channel, then reads its record; null when there is none. */
  #open(name: string): Promise<Known | null> {
    let opening = this.#opening.get(name);
    if (opening === undefined) {
      opening = this.#subscribe(name).finally(() => this.#opening.delete(name));
      this.#opening.set(name, opening);
    }
    return opening;
  }

  async #subscribe(name: string): Promise<Known | null> {
    const unsubscribe = await this.store.subscribe(topicId(name), (message) => this.#heard(name, message));
    let record: SessionRecord | null;
    try {
      record = await this.store.get(topicId(name));
    } catch (error) {
      await unsubscribe().catch(() => undefined);
      throw error;
    }
    if (record === null) {
      await unsubscribe();
      return null;
    }
    const { data, seq } = published(name, record.data);
    const known = { topic: new Topic(name, this.template, data, seq), version: record.version, unsubscribe };
    this.#known.set(name, known);
    return known;
  }

  /** An announcement: the version goes first, so this instance's own is dropped unparsed. */
  #heard(name: string, message: string): void {
    const known = this.#known.get(name);
    const version = Number.parseInt(message, 10);
    // Before the topic is known here, the record read after subscribing covers it.
    if (known === undefined || !(version > known.version)) return;
    void this.#queue
      .run(name, async () => {
        this.#apply(known, version, published(name, JSON.parse(message.slice(message.indexOf('\n') + 1)) as JsonValue));
      })
      .catch(() => undefined);
  }

  async #refresh(name: string, known: Known): Promise<void> {
    const record = await this.store.get(topicId(name));
    if (record !== null) this.#apply(known, record.version, published(name, record.data));
  }

  /** Takes a version of the topic: the next one is diffed here, one past a gap planned afresh. */
  #apply(known: Known, version: number, { data, from, seq }: Published): void {
    if (version <= known.version) return;
    const { topic } = known;
    const next = version === known.version + 1 && from === topic.seq;
    // A store that lost the topic's record numbers it from 0 again: numbers here only grow.
    topic.take(next ? topic.change(data, this.now(), seq) : topic.gap(data, seq >= topic.seq ? seq : topic.seq + 1));
    known.version = version;
  }
}

/** Topic records never expire: sessions of any age render with them. */
function topicRecord(name: string, version: number, data: Published): SessionRecord {
  return sideRecord(topicId(name), version, data as unknown as JsonValue);
}

/** A topic record's data, or a StoreError for one that is not. */
function published(name: string, value: JsonValue): Published {
  const { data, from, seq } = (value ?? {}) as Partial<Record<keyof Published, unknown>>;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || !Number.isSafeInteger(from) || !Number.isSafeInteger(seq)) {
    throw new StoreError('invalid', `the store's record of topic ${JSON.stringify(name)} is not a topic's`);
  }
  return { data: data as TopicData, from: from as number, seq: seq as number };
}
