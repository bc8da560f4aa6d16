import { afterEach, describe, expect, it } from 'vitest';
import { StoreError, type LogAppend, type SessionRecord } from '@statetemplate/store';
import { ResyncUnavailableError, StateTemplate, type SessionUpdate, type StateTemplateOptions } from '@statetemplate/session';
import { RedisSessionStore } from '../src/index.js';
import { needs } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';
import { take } from './waits.js';
import { topicAcrossInstances } from './topic-scenario.js';
import { signingKey, todoPage, todoTemplate, withItem } from './fixtures/todo-page.mjs';

/** A Redis store that counts the compare-and-set conflicts it reports, to show a race really happened. */
class CountingStore extends RedisSessionStore {
  conflicts = 0;
  override async update(record: SessionRecord, log?: LogAppend): Promise<SessionRecord> {
    try {
      return await super.update(record, log);
    } catch (error) {
      if (error instanceof StoreError && error.code === 'conflict') this.conflicts += 1;
      throw error;
    }
  }
}

const bySeq = (x: SessionUpdate, y: SessionUpdate): number => x.seq - y.seq;

describe('StateTemplate instances sharing one Redis', needs(redisServer), () => {
  const redis = useRedisServer();
  const instances: StateTemplate[] = [];
  afterEach(() => Promise.all(instances.splice(0).map((st) => st.close())));

  /** An instance with its own store and connections, as a separate server process would have. */
  function instance(store = redis.store(), options: StateTemplateOptions = {}): StateTemplate {
    const st = new StateTemplate(todoTemplate, { store, signingKey, ...options });
    instances.push(st);
    return st;
  }

  it('opens a session created on A from B with its token', async () => {
    const [a, b] = [instance(), instance()];
    const first = todoPage('shared');
    const created = await a.newSession(first);
    const onB = await b.getSession(created.sessionId, created.token);
    const updates = await onB.render(withItem(first, 3, 'changed on B'));
    expect(updates.map((u) => u.seq)).toEqual(updates.map((_, i) => i + 1));
    expect(updates.map((u) => u.html).join('')).toContain('changed on B');
  });

  it('delivers renders made on A to updates() on B in order, with sequence numbers', async () => {
    const [a, b] = [instance(), instance()];
    let page = todoPage('streamed');
    const created = await a.newSession(page);
    const onA = await a.getSession(created.sessionId, created.token);
    const stream = (await b.getSession(created.sessionId, created.token)).updates();
    const rendered: SessionUpdate[] = [];
    for (let i = 0; i < 10; i++) {
      page = withItem(page, i, `render ${i}`);
      rendered.push(...(await onA.render(page)));
    }
    expect(rendered.map((u) => u.seq)).toEqual(rendered.map((_, i) => i + 1));
    expect(await take(stream, rendered.length)).toEqual(rendered);
  });

  it('loses no render when A and B render the same session at the same moment', async () => {
    const stores = [redis.own(new CountingStore({ url: redis.server.url })), redis.own(new CountingStore({ url: redis.server.url }))];
    const [a, b] = stores.map((store) => instance(store)) as [StateTemplate, StateTemplate];
    const first = todoPage('raced');
    const created = await a.newSession(first);
    const handles = [await a.getSession(created.sessionId, created.token), await b.getSession(created.sessionId, created.token)];
    const stream = handles[1]!.updates();
    const pages = Array.from({ length: 40 }, (_, i) => withItem(first, i % 25, `write ${i}`));
    const results = await Promise.all(pages.map((page, i) => handles[i % 2]!.render(page)));

    // Every committed render got its own, gapless sequence numbers.
    const committed = results.flat().sort(bySeq);
    expect(committed.map((u) => u.seq)).toEqual(committed.map((_, i) => i + 1));
    expect(await take(stream, committed.length)).toEqual(committed);
    expect(stores[0]!.conflicts + stores[1]!.conflicts).toBeGreaterThan(0);
    // Both instances now serve the page of the render that committed last.
    const last = pages[results.findIndex((updates) => updates.some((u) => u.seq === committed.length))]!;
    const { html } = await a.newSession(last);
    for (const handle of handles) expect(await handle.updatesSince(-1)).toEqual({ resync: html, seq: committed.length });
  });

  it('shares a topic between instances: publishes from either reach every page as parts, through pub/sub', async () => {
    await topicAcrossInstances(instance(), instance());
  });

  it('keeps a session usable after the instance that created it restarts', async () => {
    const storeA = redis.store();
    const a = instance(storeA);
    const first = todoPage('restarted');
    const created = await a.newSession(first);
    const before = await (await a.getSession(created.sessionId, created.token)).render(withItem(first, 0, 'before restart'));
    await a.close();
    await storeA.close();

    const restarted = instance();
    const session = await restarted.getSession(created.sessionId, created.token);
    const after = await session.render(withItem(first, 1, 'after restart'));
    expect(after[0]!.seq).toBe(before.at(-1)!.seq + 1);
    expect(after.map((u) => u.html).join('')).toContain('after restart');
  });

  it('resyncs a page its digested state cannot rebuild from `load` on B, and tells it to reload without', async () => {
    // 25 items past digestListsAbove: the stored state keeps digests, not the values the page shows.
    const options = { digestListsAbove: 3, replayLog: 2 };
    const app = new Map<string, ReturnType<typeof todoPage>>();
    const a = instance(redis.store(), options);
    const b = instance(redis.store(), { ...options, load: (id) => app.get(id) });
    let data = todoPage('huge');
    const created = await a.newSession(data);
    const onA = await a.getSession(created.sessionId, created.token);
    for (let i = 0; i < 3; i++) {
      app.set(onA.id, (data = withItem(data, i, `render ${i}`)));
      await onA.render(data);
    }
    const stream = onA.updates();
    await expect(onA.updatesSince(0)).rejects.toBeInstanceOf(ResyncUnavailableError);
    // The application's data moved on without a render: B's resync renders it, as a render of the session.
    const changed = withItem(data, 5, 'changed elsewhere');
    app.set(onA.id, changed);
    const onB = await b.getSession(created.sessionId, created.token);
    const missed = await onB.updatesSince(0);
    expect(missed).toMatchObject({ seq: onA.seq + 2 }); // the item and the count
    expect((missed as { resync: string }).resync).toContain('changed elsewhere');
    const heard = await take(stream, 2);
    expect(heard.map((u) => u.seq)).toEqual([onA.seq + 1, onA.seq + 2]);
    // A renders on from the state B stored.
    const updates = await onA.render(withItem(changed, 7, 'after the resync'));
    expect(updates.map((u) => u.seq)).toEqual([heard[1]!.seq + 1, heard[1]!.seq + 2]);
    expect(updates.map((u) => u.html).join('')).toContain('after the resync');
    expect(updates.map((u) => u.html).join('')).not.toContain('changed elsewhere');
  });
});
