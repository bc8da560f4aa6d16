import { compile } from '@statetemplate/core';
import { stripAnnotations, ROOT_ID } from '@statetemplate/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { StateTemplate, type Session, type UpdateStream } from '../src/index.js';
import { normalised, page, SIGNING_KEY, take } from './fixtures.js';
import { SharedStore } from './shared-store.js';

const TEMPLATE = '<h1>Hello {{user}}</h1><ul>{{#todos}}<li class="{{#done}}done{{/done}}">{{text}}</li>{{/todos}}</ul><p>{{count}} left</p>';
const plain = compile(TEMPLATE);

interface Todo {
  id: number;
  text?: string;
  done: boolean;
}

const board = (todos: Todo[]) => ({ todos, count: todos.filter((t) => !t.done).length });
const todos = (n: number, from = 0): Todo[] => Array.from({ length: n }, (_, i) => ({ id: from + i, text: `task ${from + i}`, done: false }));

let st: StateTemplate;
afterEach(() => st?.close());

/** A page that applies every update its stream delivers, as a client does, and knows where it stands. */
class LivePage {
  readonly dom;
  stream: UpdateStream;
  last = 0;
  /** Updates applied that were no whole page. */
  parts = 0;

  constructor(
    public session: Session,
    html: string,
  ) {
    this.dom = page(html);
    this.stream = session.updates({ since: 0 });
  }

  /** Takes updates until the page is where the session stands, here and on the instances of `elsewhere` (handles of the same session). */
  async settle(...elsewhere: Session[]): Promise<void> {
    let target = this.last;
    for (const handle of [this.session, ...elsewhere]) {
      const now = await handle.updatesSince(-1);
      if (!Array.isArray(now)) target = Math.max(target, now.seq);
    }
    while (this.last < target) {
      const [update] = await take(this.stream, 1);
      expect(update!.seq).toBeGreaterThan(this.last);
      this.dom.apply([update!]);
      this.last = update!.seq;
      if (update!.fragment_id !== ROOT_ID) this.parts++;
    }
  }

  /** A reconnect, to the same instance or (given a handle there) to another: a new stream from the position the page has. */
  reconnect(to: Session = this.session): void {
    void this.stream.return();
    this.session = to;
    this.stream = to.updates({ since: this.last });
  }

  shows(view: object): void {
    expect(stripAnnotations(this.dom.html())).toBe(normalised(plain.renderPlain(view)));
  }
}

describe('topics: one render shared by many sessions', () => {
  it('diffs a shared change once: every live page gets the very same update objects', async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY });
    await st.publish('board', board(todos(3)));
    const pages: LivePage[] = [];
    for (const user of ['ann', 'bob', 'cy']) {
      const { html, sessionId, token } = await st.newSession({ user }, { topic: 'board' });
      pages.push(new LivePage(await st.getSession(sessionId, token), html));
    }
    await st.publish('board', board([...todos(3), { id: 9, text: 'new', done: false }]));
    const got = await Promise.all(pages.map((p) => take(p.stream, 2)));
    expect(got[1]![0]).toBe(got[0]![0]);
    expect(got[2]![1]).toBe(got[0]![1]);
    expect(got[0]!.map((u) => u.fragment_id)).toEqual(['2:9', '3']);
    for (const [i, p] of pages.entries()) {
      p.dom.apply(got[i]!);
      p.shows({ user: ['ann', 'bob', 'cy'][i], ...board([...todos(3), { id: 9, text: 'new', done: false }]) });
    }
  });

  it('take() reads a publish from the topic log at once, and own updates once they arrived', async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY });
    await st.publish('board', board(todos(2)));
    const { html, sessionId, token } = await st.newSession({ user: 'ann' }, { topic: 'board' });
    const p = new LivePage(await st.getSession(sessionId, token), html);
    expect(p.stream.take()).toBeUndefined();
    await st.publish('board', board([{ id: 0, text: 'task 0', done: true }, ...todos(1, 1)]));
    const shared = [p.stream.take(), p.stream.take()];
    expect(shared.map((u) => u?.fragment_id)).toEqual(['2:0', '3']);
    expect(p.stream.take()).toBeUndefined();
    const own = await p.session.render({ user: 'bo' });
    expect(p.stream.take()).toBeUndefined();
    const [next] = await take(p.stream, 1);
    expect(next!.html).toBe(own[0]!.html);
    p.dom.apply([...shared.map((u) => u!), next!]);
    p.shows({ user: 'bo', ...board([{ id: 0, text: 'task 0', done: true }, ...todos(1, 1)]) });
  });

  it('a render that changes nothing of the page sends nothing, and other pages of the session stay live', async () => {
    const published: string[] = [];
    const store = new (class extends SharedStore {
      override async publish(id: string, message: string): Promise<void> {
        published.push(id);
        return super.publish(id, message);
      }
    })();
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY, store });
    await st.publish('board', board(todos(2)));
    const { html, sessionId, token } = await st.newSession({ user: 'ann' }, { topic: 'board' });
    const p = new LivePage(await st.getSession(sessionId, token), html);
    expect(await p.session.render({ user: 'ann', unused: 1 })).toEqual([]);
    expect(published).not.toContain(sessionId);
    const [renamed] = await p.session.render({ user: 'bo' });
    const [next] = await take(p.stream, 1);
    expect(next!.html).toBe(renamed!.html);
  });

  it('keeps each session its own parts, and its renders take only its own data', async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY });
    await st.publish('board', board(todos(2)));
    const created = await st.newSession({ user: 'ann' }, { topic: 'board' });
    expect(stripAnnotations(created.html)).toBe(plain.renderPlain({ user: 'ann', ...board(todos(2)) }));
    const live = new LivePage(await st.getSession(created.sessionId, created.token), created.html);
    const updates = await live.session.render({ user: 'Ann' });
    expect(updates.map((u) => [u.fragment_id, u.html])).toEqual([['1', 'Ann']]);
    await live.settle();
    live.shows({ user: 'Ann', ...board(todos(2)) });
  });

  it('refuses an unknown topic, data that is no plain object, and own data that is none', async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY });
    await expect(st.newSession({ user: 'x' }, { topic: 'nothing' })).rejects.toThrow(RangeError);
    await expect(st.publish('board', [] as never)).rejects.toThrow(TypeError);
    await st.publish('board', board([]));
    await expect(st.newSession('text', { topic: 'board' })).rejects.toThrow(TypeError);
    await expect(st.topicData('nothing')).rejects.toThrow(RangeError);
    expect(await st.topicData('board')).toEqual(board([]));
  });

  it('a reconnecting page gets the whole page at the session’s position', async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY });
    await st.publish('board', board(todos(2)));
    const { html, sessionId, token } = await st.newSession({ user: 'ann' }, { topic: 'board' });
    const session = await st.getSession(sessionId, token);
    await st.publish('board', board(todos(3)));
    const missed = await session.updatesSince(0);
    expect(Array.isArray(missed)).toBe(false);
    const whole = missed as { resync: string; seq: number };
    expect(whole.seq).toBe(session.seq + 2);
    const dom = page(html);
    dom.apply([{ fragment_id: ROOT_ID, action: 'replace', html: whole.resync, timestamp: 0 }]);
    expect(stripAnnotations(dom.html())).toBe(normalised(plain.renderPlain({ user: 'ann', ...board(todos(3)) })));
    expect(await session.updatesSince(whole.seq)).toEqual([]);
  });

  /**
   * Random sequences of shared changes (some that cannot be shared: an item
   * without text falls back to each session's own `text`, new fields), own
   * renders and reconnects, on a few live pages: after every step each page
   * equals a fresh render of its own data joined by the topic's.
   */
  it('keeps every live page exact through random shared changes, own renders and reconnects', async () => {
    st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY, recordCache: 2 });
    let rng = 12345;
    // The high bits of a linear congruential generator: its low bits repeat with a short period.
    const random = (n: number) => ((rng = (rng * 1103515245 + 12345) % 2 ** 31), Math.floor((rng / 2 ** 31) * n));
    let base = todos(4);
    let shared: Record<string, unknown> = board(base);
    await st.publish('board', shared);
    const pages: { live: LivePage; own: Record<string, unknown> }[] = [];
    for (let i = 0; i < 4; i++) {
      const own = { user: `user${i}`, text: `own${i}` };
      const { html, sessionId, token } = await st.newSession(own, { topic: 'board' });
      pages.push({ live: new LivePage(await st.getSession(sessionId, token), html), own });
    }
    let sharedSteps = 0;
    for (let step = 0; step < 120; step++) {
      const roll = random(10);
      if (roll < 6) {
        const list = base.map((t) => ({ ...t }));
        const op = random(4);
        if (op === 0 || list.length === 0) list.push({ id: 100 + step, text: `t${step}`, done: false });
        else if (op === 1) list.splice(random(list.length), 1);
        else if (op === 2) list[random(list.length)]!.done = !list[random(list.length)]!.done;
        else list.reverse();
        base = list;
        // Now and then, for one change, an item without text (its pages fall back to their own), or an extra field.
        const published = list.map((t) => ({ ...t }));
        if (random(8) === 0 && published.length > 0) delete published[random(published.length)]!.text;
        shared = random(12) === 0 ? { ...board(published), extra: step } : board(published);
        await st.publish('board', shared);
        sharedSteps++;
      } else if (roll < 8) {
        const p = pages[random(pages.length)]!;
        p.own = { ...p.own, user: `renamed${step}` };
        await p.live.session.render(p.own);
      } else {
        pages[random(pages.length)]!.live.reconnect();
      }
      for (const p of pages) {
        await p.live.settle();
        p.live.shows({ ...p.own, ...shared });
      }
    }
    expect(sharedSteps).toBeGreaterThan(40);
    // Most changes reach the pages as parts, not as whole pages.
    const parts = pages.reduce((sum, p) => sum + p.live.parts, 0);
    expect(parts).toBeGreaterThan(sharedSteps * pages.length);
  }, 60_000);
});



describe('topics across instances sharing a store', () => {
  const open: StateTemplate[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((instance) => instance.close()));
  });

  /** Two instances over one store, and a topic session made on each, with a page and a handle of it on both instances. */
  async function twoInstances() {
    const store = new SharedStore();
    const [a, b] = [0, 1].map(() => new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY, store, recordCache: 0 })) as [StateTemplate, StateTemplate];
    open.push(a, b);
    await a.publish('board', board(todos(2)));
    const viewers: { page: LivePage; there: Session; here: Session; user: string }[] = [];
    for (const [user, home, other] of [['al', a, b], ['bea', b, a]] as const) {
      // The second instance reads the topic from the store: nothing was published there.
      const { html, sessionId, token } = await home.newSession({ user }, { topic: 'board' });
      viewers.push({ page: new LivePage(await home.getSession(sessionId, token), html), there: await other.getSession(sessionId, token), here: await home.getSession(sessionId, token), user });
    }
    /** Settles every page against both instances and checks it shows `data` (with its user). */
    const check = async (data: object) => {
      for (const v of viewers) {
        await v.page.settle(v.there, v.here);
        v.page.shows({ user: v.user, ...data });
      }
    };
    return { store, a, b, viewers, check };
  }

  it('serves a topic published on one instance to sessions on another, and takes publishes from either', async () => {
    const { a, b, viewers, check } = await twoInstances();
    await check(board(todos(2)));
    await a.publish('board', board(todos(3)));
    await check(board(todos(3)));
    await b.publish('board', board([{ id: 0, text: 'task 0', done: true }, ...todos(2, 1)]));
    await check(board([{ id: 0, text: 'task 0', done: true }, ...todos(2, 1)]));
    // Every instance diffs an announced change itself: the pages took parts, not whole pages.
    expect(viewers.map((v) => v.page.parts)).toEqual([4, 4]);
    // A page moving to the other instance keeps its position.
    viewers[0]!.page.reconnect(viewers[0]!.there);
    await a.publish('board', board(todos(1)));
    await check(board(todos(1)));
    expect(viewers[0]!.page.parts).toBeGreaterThan(4);
  });

  it('fills an announcement the other instance missed from the store, with the whole page for pages crossing it', async () => {
    const { store, a, b, viewers, check } = await twoInstances();
    store.dropNext = 1;
    await a.publish('board', board(todos(3)));
    await viewers[0]!.page.settle();
    viewers[0]!.page.shows({ user: 'al', ...board(todos(3)) });
    // b never heard of it; its heartbeat's reconcile reads the topic's record.
    b.reconcile();
    await check(board(todos(3)));
    const partsOfB = viewers[1]!.page.parts;
    await a.publish('board', board(todos(4)));
    await check(board(todos(4)));
    expect(viewers[1]!.page.parts).toBeGreaterThan(partsOfB);
  });

  it('stores copies: data changed in place after publish or render reaches no other instance', async () => {
    const { store, a, b, viewers } = await twoInstances();
    const shared = board(todos(2));
    await a.publish('board', shared);
    shared.todos.push({ id: 99, text: 'only here', done: false });
    await b.reconcile();
    expect(await b.topicData('board')).toEqual(board(todos(2)));
    const own = { user: 'al' };
    await viewers[0]!.here.render(own);
    own.user = 'changed in place';
    // The stored own data is what the session's whole page is rendered from when its state cannot be.
    expect(((await store.get(viewers[0]!.here.id))!.data as { own: unknown }).own).toEqual({ user: 'al' });
    await expect(a.publish('board', { todos: [], when: 1n } as never)).rejects.toThrow(TypeError);
  });

  it('orders publishes of both instances at once by compare-and-set: every page ends at the stored data', async () => {
    const { store, a, b, check } = await twoInstances();
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).publish('board', board(todos(1 + (i % 5), i)))));
    expect(store.conflicts).toBeGreaterThan(0);
    const record = await store.get('topic:board');
    await check((record!.data as { data: object }).data);
  });
});
