import { afterAll, afterEach, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { redisAvailable, requireResource, startRedisServer, type RedisServer } from '@statetemplate/test-utils';
import { RedisSessionStore, type RedisSessionStoreOptions } from '../src/index.js';

/** Whether the Redis tests run: skipped without redis-server, a failure under STATETEMPLATE_STRICT. */
export const redisOk = requireResource('redis-server', redisAvailable(), 'no redis-server binary on PATH');

export interface RedisFixture {
  /** The throwaway server of this test file. */
  readonly server: RedisServer;
  /** A store on that server; closed after the test. */
  store(options?: RedisSessionStoreOptions): RedisSessionStore;
  /** A plain client on that server for looking behind the store (PTTL, DBSIZE); closed after the test. */
  inspector(): Redis;
}

/** Registers hooks that give the calling test file its own redis-server on a free port. */
export function useRedisServer(): RedisFixture {
  let server: RedisServer | undefined;
  const opened: { close(): Promise<unknown> }[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((x) => x.close()));
    // Tests may stop the server; the next one starts from a running, empty one.
    await server?.start();
    const flush = new Redis(server!.url);
    await flush.flushall();
    await flush.quit();
  });
  afterAll(() => server?.stop());
  return {
    get server() {
      if (!server) throw new Error('the redis-server has not started');
      return server;
    },
    store(options = {}) {
      const store = new RedisSessionStore({ url: this.server.url, ...options });
      opened.push(store);
      return store;
    },
    inspector() {
      const client = new Redis(this.server.url);
      opened.push({ close: () => client.quit() });
      return client;
    },
  };
}

/** Settles `promise` or fails after `ms`: a hang check, not a speed assertion. */
export async function settlesWithin<T>(promise: Promise<T>, ms = 5_000): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.allSettled([promise]).then(([result]) => result!), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true, at most `ms`; for states Redis reaches on its own (expiry, reconnects). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000, everyMs = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
