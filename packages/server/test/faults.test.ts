import { JSDOM } from 'jsdom';
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, type LiveConnection } from '@statetemplate/client';
import type { GoneReason } from '@statetemplate/protocol';
import type { Session } from '@statetemplate/session';
import { RedisSessionStore } from '@statetemplate/store-redis';
import { HEAVY_TEST_MS, needs, redisAvailable, requireResource, startRedisServer, type RedisServer } from '@statetemplate/test-utils';
import { page, start, within, type Harness } from './harness.js';
import { Mirror } from './mirror.js';

/**
 * Store faults against a real, throwaway redis-server: two instances share
 * it, live pages (the real client in jsdom, over real sockets) hang on one,
 * renders run on the other. After each fault every acknowledged render must
 * reach every live page with no further render, or the page is told, with a
 * typed reason, that its session is gone. No fixed sleeps: the tests wait
 * for the pages.
 */
const redisServer = requireResource('redis-server', redisAvailable(), 'no redis-server binary on PATH');
const PAGES = 4;

let redis: RedisServer;
const open: { close(): Promise<unknown> }[] = [];
beforeAll(async () => {
  if (redisAvailable()) redis = await startRedisServer();
  return () => redis?.stop();
});
afterEach(async () => {
  for (const resource of open.splice(0).reverse()) await resource.close();
  if (redis === undefined) return;
  await redis.signal('SIGCONT').catch(() => undefined);
  await redis.start();
  const flush = new Redis(redis.url);
  await flush.flushall();
  await flush.quit();
});

/** An instance of the app: a StateTemplate on the shared Redis, served over HTTP. */
async function instance(): Promise<Harness> {
  const store = new RedisSessionStore({ url: redis.url, onError: () => undefined });
  // Cleanup would end vanished sessions' streams too, but only every cleanupInterval: here it never runs.
  const h = await start({ onError: () => undefined }, { store, cleanupInterval: 3_600_000 });
  open.push(store, h);
  return h;
}

/** A browser page of a new session, live on `on`, rendered to from `from`. */
async function livePage(on: Harness, from: Harness, title: string) {
  const { html, sessionId, token } = await on.st.newSession(page(title));
  const { window } = new JSDOM(`<!doctype html><body><div id="app">${html}</div></body>`, { url: `${on.origin}/` });
  const root = window.document.getElementById('app')!;
  const gone: GoneReason[] = [];
  let wake = () => undefined as void;
  let online = false;
  const connection: LiveConnection = connect({
    url: on.wsUrl,
    sessionId,
    token,
    root,
    minDelay: 5,
    maxDelay: 50,
    onMessage: () => wake(),
    onStatus: (up) => {
      online = up;
      wake();
    },
    onGone: (reason) => {
      gone.push(reason);
      wake();
    },
  });
  open.push({ close: async () => connection.close() });
  const until = async (check: () => boolean, what: string) => {
    await within(
      (async () => {
        while (!check()) await new Promise<void>((resolve) => (wake = resolve));
      })(),
      what,
      HEAVY_TEST_MS / 2,
    );
  };
  await until(() => online, 'the page going live');
  const session: Session = await from.st.getSession(sessionId, token);
  /** Waits until the page shows seq `seq`, then tells whether it equals a fresh render of the store's state. */
  const shows = async (seq: number) => {
    await until(() => connection.seq >= seq, `the page reaching seq ${seq}`);
    return new Mirror(root.innerHTML, connection.seq).matches(session);
  };
  return { session, shows, gone, until };
}

async function pages(on: Harness, from: Harness) {
  return Promise.all(Array.from({ length: PAGES }, (_, i) => livePage(on, from, `page ${i}`)));
}

/** Every page comes to show exactly what the store now holds for its session. */
async function showStore(live: Awaited<ReturnType<typeof pages>>): Promise<void> {
  for (const p of live) {
    const now = await p.session.updatesSince(-1);
    expect(Array.isArray(now)).toBe(false);
    expect(await p.shows((now as { seq: number }).seq)).toBe(true);
  }
}

/** A client for Redis commands the test itself sends (CLIENT KILL, CLIENT PAUSE). */
function admin(): Redis {
  const client = new Redis(redis.url);
  open.push({ close: () => client.quit().catch(() => client.disconnect()) });
  return client;
}

describe('store faults: every acknowledged render reaches every live page', needs(redisServer), () => {
  it('after CLIENT KILL TYPE pubsub (a lost subscription), with no further render', { timeout: HEAVY_TEST_MS }, async () => {
    const [a, b] = [await instance(), await instance()];
    const live = await pages(a, b);
    await admin().client('KILL', 'TYPE', 'pubsub');
    // Rendered right away, while instance a may still be resubscribing: the message may be lost.
    const seqs = await Promise.all(live.map(async (p, i) => (await p.session.render(page(`after kill ${i}`))).at(-1)!.seq));
    for (const [i, p] of live.entries()) expect(await p.shows(seqs[i]!)).toBe(true);
  });

  it('after CLIENT PAUSE WRITE across a render that timed out but landed', { timeout: HEAVY_TEST_MS }, async () => {
    const [a, b] = [await instance(), await instance()];
    const live = await pages(a, b);
    // Writes wait 5 s in Redis; the store gives up on a reply after 1 s, so the renders are refused.
    await admin().client('PAUSE', 5000, 'WRITE');
    const outcomes = await Promise.allSettled(live.map((p, i) => p.session.render(page(`paused ${i}`))));
    expect(outcomes.some((o) => o.status === 'rejected' && (o.reason as { code?: string }).code === 'timeout')).toBe(true);
    // A write of our own returns once the pause is over; the refused writes were queued before it.
    await admin().set('pause-over', '1');
    // The instance publishes what landed once it sees it.
    await showStore(live);
  });

  it('after SIGSTOP then SIGCONT of Redis during renders, with no further render', { timeout: HEAVY_TEST_MS }, async () => {
    const [a, b] = [await instance(), await instance()];
    const live = await pages(a, b);
    await redis.signal('SIGSTOP');
    const outcomes = await Promise.allSettled(live.map((p, i) => p.session.render(page(`stopped ${i}`))));
    // Refused, with a type: the writes wait in the socket, Redis answers nothing.
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(['timeout', 'unavailable']).toContain((outcome as PromiseRejectedResult).reason.code);
    }
    await redis.signal('SIGCONT');
    // Once a write of our own returns, Redis has run what waited.
    await admin().set('resumed', '1');
    await showStore(live);
  });

  it('after SIGKILL and a restart with the data gone, pages are told not_found', { timeout: HEAVY_TEST_MS }, async () => {
    const [a, b] = [await instance(), await instance()];
    const live = await pages(a, b);
    await redis.signal('SIGKILL');
    await redis.start();
    // The subscriber comes back, reconciles, and finds every session gone.
    for (const p of live) {
      await p.until(() => p.gone.length > 0, 'the gone notice');
      expect(p.gone).toEqual(['not_found']);
    }
  });
});
