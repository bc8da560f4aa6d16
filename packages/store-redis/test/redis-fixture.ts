import { afterAll, afterEach, beforeAll } from 'vitest';
import { Redis } from 'ioredis';
import { HEAVY_TEST_MS, redisAvailable, requireResource, startRedisCluster, startRedisServer, type RedisCluster, type RedisServer } from '@statetemplate/test-utils';
import { RedisSessionStore, type RedisSessionStoreOptions } from '../src/index.js';

/** The Redis tests' requirement: skipped without redis-server (`describe(name, needs(redisServer), …)`), a failure under STATETEMPLATE_STRICT. */
export const redisServer = requireResource('redis-server', redisAvailable(), 'no redis-server binary on PATH');

interface Closable {
  close(): Promise<unknown>;
}

export interface RedisFixture {
  /** The throwaway server of this test file. */
  readonly server: RedisServer;
  /** Closes `resource` after the test. */
  own<T extends Closable>(resource: T): T;
  /** A store on that server; closed after the test. */
  store(options?: RedisSessionStoreOptions): RedisSessionStore;
  /** A plain client on that server for looking behind the store (PTTL, DBSIZE); closed after the test. */
  inspector(): Redis;
}

/** Registers hooks that give the calling test file its own redis-server on a free port. */
export function useRedisServer(): RedisFixture {
  let server: RedisServer | undefined;
  const opened: Closable[] = [];
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
    own(resource) {
      opened.push(resource);
      return resource;
    },
    store(options = {}) {
      return this.own(new RedisSessionStore({ url: this.server.url, ...options }));
    },
    inspector() {
      const client = new Redis(this.server.url);
      this.own({ close: () => client.quit() });
      return client;
    },
  };
}

/** Registers hooks that give the calling describe block its own throwaway Redis Cluster; read `cluster` inside tests. */
export function useRedisCluster(options: { masters?: number; replicas?: number } = {}): { readonly cluster: RedisCluster } {
  let cluster: RedisCluster | undefined;
  // Several processes start and join: slow on a busy machine, so the heavy bound.
  beforeAll(async () => {
    cluster = await startRedisCluster(options);
  }, HEAVY_TEST_MS);
  afterAll(() => cluster?.stop());
  return {
    get cluster() {
      if (!cluster) throw new Error('the Redis Cluster has not started');
      return cluster;
    },
  };
}
