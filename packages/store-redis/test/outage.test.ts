import { describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { StoreError, type SessionRecord } from '@statetemplate/store';
import { defaultPrefix, keyLayout, type RedisSessionStore } from '../src/index.js';
import { HANG_GUARD_MS, needs } from '@statetemplate/test-utils';
import { redisServer, useRedisServer } from './redis-fixture.js';
import { eventually, settlesWithin } from './waits.js';

const HOUR = 3_600_000;

function session(id: string): SessionRecord {
  const now = Date.now();
  return { id, version: 1, createdAt: now, expiresAt: now + HOUR, data: { id } };
}

/** Every store operation, each expected to settle promptly whatever state Redis is in. */
function everyOperation(store: RedisSessionStore): Record<string, Promise<unknown>> {
  return {
    create: store.create(session('during-outage')),
    get: store.get('before'),
    update: store.update(session('before')),
    touch: store.touch('before', Date.now() + HOUR),
    delete: store.delete('before'),
    getExpired: store.getExpired(Date.now()),
    count: store.count(),
    publish: store.publish('before', 'lost'),
    subscribe: store.subscribe('other', () => undefined),
  };
}

/** Asserts that every operation rejects with a StoreError saying Redis is unavailable or timed out. */
async function expectAllRejectWithStoreError(operations: Record<string, Promise<unknown>>): Promise<void> {
  // Settle all at once: each rejection needs its handler before the next event-loop turn.
  const results = await Promise.all(
    Object.entries(operations).map(async ([name, operation]) => [name, await settlesWithin(operation)] as const),
  );
  for (const [name, result] of results) {
    expect(result.status, name).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as StoreError;
    expect(error, name).toBeInstanceOf(StoreError);
    expect(['unavailable', 'timeout'], name).toContain(error.code);
  }
}

/** Resolves with the next message a listener gets, publishing `probe` until one arrives (resubscription is asynchronous). */
async function receivesAgain(publisher: RedisSessionStore, id: string, messages: string[]): Promise<void> {
  const seen = messages.length;
  await eventually(async () => {
    await publisher.publish(id, 'probe').catch(() => undefined);
    return messages.length > seen;
  }, HANG_GUARD_MS, 50);
}

describe('RedisSessionStore while Redis goes away', needs(redisServer), () => {
  const redis = useRedisServer();

  it('rejects every operation with a StoreError carrying the cause while Redis is down, then recovers', async () => {
    const store = redis.store();
    const publisher = redis.store();
    await store.create(session('before'));
    const messages: string[] = [];
    await store.subscribe('before', (m) => messages.push(m));

    await redis.server.stop();
    await expectAllRejectWithStoreError(everyOperation(store));
    const failure = await store.get('before').catch((e: unknown) => e as StoreError);
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).cause).toBeInstanceOf(Error);

    await redis.server.start();
    await eventually(() => store.count().then(() => true, () => false));
    // The throwaway server keeps nothing across restarts; the store works on what it has now.
    await store.create(session('after'));
    expect((await store.get('after'))?.data).toEqual({ id: 'after' });
    await receivesAgain(publisher, 'before', messages);
    expect(messages.at(-1)).toBe('probe');
  });

  it('settles operations that were in flight when Redis stopped', async () => {
    const store = redis.store();
    await store.count();
    const inFlight = Array.from({ length: 500 }, (_, i) => store.create(session(`flight-${i}`)));
    await redis.server.stop();
    const results = await settlesWithin(Promise.allSettled(inFlight));
    expect(results.status).toBe('fulfilled');
    for (const r of (results as PromiseFulfilledResult<PromiseSettledResult<void>[]>).value) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StoreError);
    }
  });

  it('fails fast when Redis is down from the start and works once it comes up', async () => {
    await redis.server.stop();
    const store = redis.store();
    await expectAllRejectWithStoreError(everyOperation(store));
    await redis.server.start();
    await eventually(() => store.count().then(() => true, () => false));
    await store.create(session('late'));
    const messages: string[] = [];
    await store.subscribe('late', (m) => messages.push(m));
    await store.publish('late', 'hello');
    await eventually(() => messages.length === 1);
  });

  it('rejects with timeout while Redis accepts connections but does not answer', async () => {
    const store = redis.store({ redis: { commandTimeout: 100 } });
    await store.create(session('paused'));
    const info = await redis.inspector().info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)![1]);
    // A stopped Redis keeps its sockets open and answers nothing, however slow the machine, so only
    // commandTimeout can end the call (a timed CLIENT PAUSE could run out first).
    process.kill(pid, 'SIGSTOP');
    let result: PromiseSettledResult<unknown>;
    try {
      result = await settlesWithin(store.get('paused'));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason as StoreError;
    expect(error).toBeInstanceOf(StoreError);
    expect(error.code).toBe('timeout');
    expect(await store.get('paused')).not.toBeNull();
  });

  it('reports connection errors to onError instead of crashing the process', async () => {
    const errors: unknown[] = [];
    const store = redis.store({ onError: (e) => errors.push(e) });
    await store.count();
    await redis.server.stop();
    await eventually(() => errors.length > 0);
    expect(errors[0]).toBeInstanceOf(Error);
    await store.close();
  });

  it('leaves a client it was given open on close', async () => {
    const client = new Redis(redis.server.url);
    const store = redis.store({ client });
    await store.create(session('borrowed'));
    await store.close();
    expect(await client.exists(keyLayout(defaultPrefix).session('borrowed'))).toBe(1);
    await client.quit();
  });
});
