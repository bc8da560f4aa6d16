import { afterEach, describe, expect, it } from 'vitest';
import { StateTemplate } from '@statetemplate/session';
import { StoreError } from '@statetemplate/store';
import { needs, recordingLogger } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';
import { eventually } from './waits.js';
import { signingKey, todoPage, todoTemplate, withItem } from './fixtures/todo-page.mjs';

const FAILING = 'statetemplate: redis connection failing';
const BACK = 'statetemplate: redis connection back';

describe('the logger of a Redis store and of its StateTemplate', needs(redisServer), () => {
  const redis = useRedisServer();
  const open: StateTemplate[] = [];
  afterEach(() => Promise.all(open.splice(0).map((st) => st.close())));

  it('hears each connection fail once, however often ioredis retries, and come back once', async () => {
    const logger = recordingLogger();
    const errors: unknown[] = [];
    const store = redis.store({ logger, onError: (error) => errors.push(error) });
    // The subscriber connection opens on the first subscription.
    await store.subscribe('s', () => undefined);
    await redis.server.stop();
    await logger.heard(FAILING);
    await redis.server.start();
    // ioredis reconnects on its own time.
    await eventually(() => logger.said(BACK).length === 2);
    expect(logger.said(FAILING).map((line) => [line.level, line.fields.role]).sort()).toEqual([
      ['warn', 'commands'],
      ['warn', 'subscriber'],
    ]);
    expect(logger.said(BACK).map((line) => [line.level, line.fields.role]).sort()).toEqual([
      ['info', 'commands'],
      ['info', 'subscriber'],
    ]);
    // onError heard every error, the logger one line each way.
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  it('hears a listener that threw', async () => {
    const logger = recordingLogger();
    const store = redis.store({ logger });
    const failure = new Error('listener bug');
    await store.subscribe('s', () => {
      throw failure;
    });
    await store.publish('s', 'hello');
    expect(await logger.heard('statetemplate: a store-redis subscription failed')).toEqual({ level: 'error', fields: { err: failure }, message: 'statetemplate: a store-redis subscription failed' });
  });

  it("tells the StateTemplate's logger once when its store fails and once when it answers again, and counts the failed calls", async () => {
    const logger = recordingLogger();
    const st = new StateTemplate(todoTemplate, { store: redis.store({ onError: () => undefined }), signingKey, logger });
    open.push(st);
    const { sessionId, token } = await st.newSession(todoPage('a'));
    const session = await st.getSession(sessionId, token);
    await redis.server.stop();
    for (let i = 0; i < 3; i++) {
      const failure = await session.render(withItem(todoPage('a'), i, `down ${i}`)).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(StoreError);
    }
    expect(logger.said('statetemplate: the session store is failing')).toEqual([
      { level: 'error', fields: { operation: 'update', code: 'unavailable', err: expect.any(StoreError) }, message: 'statetemplate: the session store is failing' },
    ]);
    expect(st.metrics().store).toMatchObject({ errors: 3, failing: true });

    await redis.server.start();
    // A new session once the store answers: the restarted throwaway server kept nothing.
    await eventually(() => st.newSession(todoPage('b')).then(() => true, () => false));
    const back = await logger.heard('statetemplate: the session store is back');
    expect(back.level).toBe('info');
    expect(back.fields.failures).toBeGreaterThanOrEqual(3);
    expect(st.metrics().store.failing).toBe(false);
    expect(logger.said('statetemplate: the session store is failing')).toHaveLength(1);
  });
});
