import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { StateTemplate, type Presence, type PresenceEvent, type StateTemplateOptions } from '../src/index.js';
import { manualClock, MINUTE, SIGNING_KEY } from './fixtures.js';
import { SharedStore } from './shared-store.js';

const TEMPLATE = '<h1>Hello {{user}}</h1><ul>{{#todos}}<li>{{text}}</li>{{/todos}}</ul>';
const TIMEOUT = 30_000;

/** The shared store as one instance reaches it, through a link that dies with its process: after cut() every call fails and nothing arrives. */
class Reach implements SessionStore {
  #cut = false;
  constructor(private readonly store: SessionStore) {}
  cut(): void {
    this.#cut = true;
  }
  create = (record: SessionRecord) => this.#call(() => this.store.create(record));
  get = (id: string) => this.#call(() => this.store.get(id));
  update = (record: SessionRecord) => this.#call(() => this.store.update(record));
  touch = (id: string, expiresAt: number) => this.#call(() => this.store.touch(id, expiresAt));
  delete = (id: string) => this.#call(() => this.store.delete(id));
  getExpired = (before: number, limit?: number) => this.#call(() => this.store.getExpired(before, limit));
  existing = (ids: readonly string[]) => this.#call(() => this.store.existing(ids));
  count = () => this.#call(() => this.store.count());
  publish = (id: string, message: string) => this.#call(() => this.store.publish(id, message));
  subscribe = (id: string, listener: (message: string) => void) => this.#call(() => this.store.subscribe(id, (message) => this.#cut || listener(message)));
  close = async () => undefined;
  async #call<T>(run: () => Promise<T>): Promise<T> {
    if (this.#cut) throw new StoreError('unavailable', 'this instance is gone');
    return run();
  }
}

const open: StateTemplate[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close().catch(() => undefined)));
});

function instance(store: SessionStore, options: StateTemplateOptions = {}): StateTemplate {
  const st = new StateTemplate(TEMPLATE, { signingKey: SIGNING_KEY, store, presenceTimeout: TIMEOUT, ...options });
  open.push(st);
  return st;
}

/** The next presence event, waited for (never timed). */
function next(presence: Presence): Promise<PresenceEvent> {
  return new Promise((resolve) => {
    const stop = presence.subscribe((event) => {
      stop();
      resolve(event);
    });
  });
}

/** A topic session of `user` on `st`, and a handle on each of `on`. */
async function viewer(st: StateTemplate, user: string, on: StateTemplate[] = [st]) {
  const { sessionId, token } = await st.newSession({ user }, { topic: 'board', presence: { name: user } });
  return { sessionId, handles: await Promise.all(on.map((i) => i.getSession(sessionId, token))) };
}

const names = (presence: Presence) => presence.list().map((e) => (e.meta as { name: string }).name).sort();

describe('presence: who is connected to a topic', () => {
  it('lists a session while one of its streams is open, with one join and one leave', async () => {
    const st = instance(new SharedStore());
    await st.publish('board', { todos: [] });
    const presence = await st.presence('board');
    const ann = await viewer(st, 'ann');
    expect(presence.list()).toEqual([]);
    const joined = next(presence);
    const first = ann.handles[0]!.updates();
    expect(await joined).toEqual({ type: 'join', sessionId: ann.sessionId, meta: { name: 'ann' } });
    const events: PresenceEvent[] = [];
    presence.subscribe((event) => events.push(event));
    const second = ann.handles[0]!.updates();
    await first.return();
    expect(names(presence)).toEqual(['ann']);
    const left = next(presence);
    await second.return();
    expect(await left).toMatchObject({ type: 'leave', sessionId: ann.sessionId });
    expect(events.map((e) => e.type)).toEqual(['leave']);
    expect(presence.list()).toEqual([]);
  });

  it('refuses presence for a session of no topic', async () => {
    const st = instance(new SharedStore());
    await expect(st.newSession({ user: 'x' }, { presence: 'x' })).rejects.toThrow(TypeError);
  });

  it('shows the sessions of every instance, joins and leaves crossing through the store', async () => {
    const store = new SharedStore();
    const [a, b] = [instance(store), instance(store)];
    await a.publish('board', { todos: [] });
    const onB = await b.presence('board');
    const ann = await viewer(a, 'ann');
    const bob = await viewer(b, 'bob');
    const joins = [next(onB)];
    const annStream = ann.handles[0]!.updates();
    await joins[0];
    const bobJoined = next(onB);
    const bobStream = bob.handles[0]!.updates();
    await bobJoined;
    const onA = await a.presence('board');
    expect(names(onA)).toEqual(['ann', 'bob']);
    expect(names(onB)).toEqual(['ann', 'bob']);
    const annLeft = next(onB);
    await annStream.return();
    expect(await annLeft).toMatchObject({ type: 'leave', meta: { name: 'ann' } });
    expect(names(onB)).toEqual(['bob']);
    await bobStream.return();
  });

  it('drops the sessions of an instance killed without a word, once its entries expire', async () => {
    const clock = manualClock();
    const store = new SharedStore({ now: clock.now });
    const cut = new Reach(store);
    const dying = instance(cut, { now: clock.now });
    const survivor = instance(store, { now: clock.now });
    await survivor.publish('board', { todos: [] });
    const presence = await survivor.presence('board');
    const ann = await viewer(dying, 'ann');
    const joined = next(presence);
    void ann.handles[0]!.updates().next();
    await joined;
    const bob = await viewer(survivor, 'bob');
    const bobJoined = next(presence);
    void bob.handles[0]!.updates().next();
    await bobJoined;
    cut.cut();
    // Within the timeout the entry stands: the instance may only be slow.
    clock.advance(TIMEOUT / 2);
    await survivor.reconcile();
    expect(names(presence)).toEqual(['ann', 'bob']);
    clock.advance(TIMEOUT);
    const left = next(presence);
    await survivor.reconcile();
    expect(await left).toMatchObject({ type: 'leave', sessionId: ann.sessionId });
    expect(names(presence)).toEqual(['bob']);
    // The survivor's own entries were refreshed meanwhile: they stand.
    clock.advance(TIMEOUT / 2);
    await survivor.reconcile();
    expect(names(presence)).toEqual(['bob']);
  });

  it('drops a session whose stream ended because the session expired', async () => {
    const clock = manualClock();
    const st = instance(new SharedStore({ now: clock.now }), { now: clock.now, expiration: MINUTE, presenceTimeout: 10 * MINUTE });
    await st.publish('board', { todos: [] });
    const presence = await st.presence('board');
    const ann = await viewer(st, 'ann');
    const joined = next(presence);
    const stream = ann.handles[0]!.updates();
    const pending = stream.next();
    await joined;
    const left = next(presence);
    clock.advance(2 * MINUTE);
    await st.cleanup();
    expect(await left).toMatchObject({ type: 'leave', sessionId: ann.sessionId });
    expect((await pending).done).toBe(true);
  });
});
