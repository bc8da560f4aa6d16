import { afterEach, describe, expect, it } from 'vitest';
import { StateTemplate, type SessionUpdate } from '@statetemplate/session';
import { needs } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';
import { take } from './waits.js';
import { signingKey } from './fixtures/todo-page.mjs';

const TEMPLATE = '<h2>{{title}}</h2><ol>{{#feed}}<li>{{text}}</li>{{/feed}}</ol>';

const post = (id: number) => ({ id, text: `post ${id}` });

describe('streams through Redis', needs(redisServer), () => {
  const redis = useRedisServer();
  const instances: StateTemplate[] = [];
  afterEach(() => Promise.all(instances.splice(0).map((st) => st.close())));

  const instance = (options: { replayLog?: number; refill?: (id: string) => Promise<unknown[]> } = {}) => {
    const st = new StateTemplate(TEMPLATE, { store: redis.store(), signingKey, replayLog: options.replayLog, streams: { feed: { refill: options.refill } } });
    instances.push(st);
    return st;
  };

  it("sends one instance's stream updates to another's subscribers and replay log, in order with renders", async () => {
    const [a, b] = [instance(), instance()];
    const created = await a.newSession({ title: 'Feed', feed: [] });
    const onB = await b.getSession(created.sessionId, created.token);
    const live = onB.updates()[Symbol.asyncIterator]();
    const onA = await a.getSession(created.sessionId, created.token);
    const feed = onA.stream('feed');
    await feed.insert(post(1));
    await onA.render({ title: 'Feed!', feed: [] });
    await feed.insert(post(2), { at: 'start', limit: 10 });
    await feed.delete(1);
    const received = await take(live, 4);
    expect(received.map((u) => [u.seq, u.action, u.fragment_id, u.stream, u.limit])).toEqual([
      [1, 'append', '2:1', 2, undefined],
      [2, 'replace', '1', undefined, undefined],
      [3, 'prepend', '2:2', 1, 10],
      [4, 'remove', '2:1', 1, undefined],
    ]);
    // A page reconnecting after seq 1 gets the rest from the log Redis keeps.
    const missed = (await onB.updatesSince(1)) as SessionUpdate[];
    expect(missed.map((u) => u.seq)).toEqual([2, 3, 4]);
    expect(missed[1]).toMatchObject({ html: '<li>post 2</li>', stream: 1, limit: 10 });
  });

  it('rebuilds a page from the state with what refill gives, on any instance', async () => {
    const refill = async (id: string) => [post(id.length), post(100)];
    const [a, b] = [instance({ replayLog: 1, refill }), instance({ replayLog: 1, refill })];
    const created = await a.newSession({ title: 'Feed', feed: [post(1)] });
    const onA = await a.getSession(created.sessionId, created.token);
    await onA.stream('feed').insert(post(2));
    await onA.stream('feed').insert(post(3));
    const onB = await b.getSession(created.sessionId, created.token);
    const rebuilt = await onB.updatesSince(0);
    expect(rebuilt).toEqual({ resync: `<h2><!--[1-->Feed<!--]--></h2><ol><!--[2--><!--:22--><li>post 22</li><!--:100--><li>post 100</li><!--]--></ol>`, seq: 2 });
  });
});
