import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StateTemplate, type NewSession, type PresenceEvent, type SessionUpdate } from '@statetemplate/session';
import { HEAVY_TEST_MS, needs } from '@statetemplate/test-utils';
import { redisServer, useRedisCluster, useRedisServer } from './redis-fixture.js';
import { eventually, settlesWithin } from './waits.js';
import { signingKey, todoPage, todoTemplate, withItem, type TodoPage } from './fixtures/todo-page.mjs';

const script = fileURLToPath(new URL('./fixtures/instance.mjs', import.meta.url));
const built = ['../dist/index.js', '../../session/dist/index.js'].every((path) => existsSync(fileURLToPath(new URL(path, import.meta.url))));

type Reply = { id: number; result?: unknown; error?: string };
type Line = Reply & { event?: 'ready' | 'update'; update?: SessionUpdate };

/** A StateTemplate instance running fixtures/instance.mjs in its own Node process. */
class InstanceProcess {
  readonly updates: SessionUpdate[] = [];
  private readonly pending = new Map<number, (reply: Reply) => void>();
  private nextId = 0;
  private stderr = '';
  private readonly exited: Promise<void>;
  private readonly ready: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (chunk: Buffer) => void (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let ready = (): void => undefined;
    this.ready = new Promise((resolve) => (ready = resolve));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const message = JSON.parse(line) as Line;
      if (message.event === 'ready') ready();
      else if (message.event === 'update') this.updates.push(message.update!);
      else this.pending.get(message.id)?.(message);
    });
  }

  /** `redis`: REDIS_URL or REDIS_CLUSTER for the instance (and PRESENCE_TIMEOUT, if not the default). */
  static async start(redis: ({ REDIS_URL: string } | { REDIS_CLUSTER: string }) & { PRESENCE_TIMEOUT?: string }): Promise<InstanceProcess> {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...redis } });
    const instance = new InstanceProcess(child);
    const exitedEarly = instance.exited.then(() => Promise.reject(new Error('exited')));
    const started = await settlesWithin(Promise.race([instance.ready, exitedEarly]));
    if (started.status === 'rejected') throw new Error(`instance did not start: ${instance.stderr}`, { cause: started.reason });
    return instance;
  }

  async request<T>(op: string, args: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    const reply = new Promise<Reply>((resolve) => this.pending.set(id, resolve));
    this.child.stdin.write(`${JSON.stringify({ id, op, ...args })}\n`);
    const settled = await settlesWithin(reply);
    this.pending.delete(id);
    if (settled.status === 'rejected') throw new Error(`${op} got no reply; stderr: ${this.stderr}`, { cause: settled.reason });
    if (settled.value.error !== undefined) throw new Error(`${op} failed in the instance: ${settled.value.error}`);
    return settled.value.result as T;
  }

  render(session: NewSession, data: TodoPage): Promise<SessionUpdate[]> {
    return this.request('render', { sessionId: session.sessionId, token: session.token, data });
  }

  /** Kills the process at once, as a crash or an out-of-memory kill would: no goodbye to anyone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** Closes stdin (a clean shutdown) and waits for the process to exit; kills it if it does not. */
  async stop(): Promise<void> {
    this.child.stdin.end();
    if ((await settlesWithin(this.exited)).status === 'rejected') this.child.kill('SIGKILL');
    expect(this.stderr).toBe('');
  }
}

/**
 * Two processes share sessions, stream updates to each other, survive a
 * restart and lose no concurrent render. Three Node processes start one after
 * another: slow on a busy machine, hence the generous bound.
 */
async function sharesSessions(start: () => Promise<InstanceProcess>): Promise<void> {
  expect(built, 'the processes run the dist packages: `npx tsc -b` in store-redis and session first').toBe(true);
  let a = await start();
  const b = await start();
  try {
    const first = todoPage('two processes');
    const session = await a.request<NewSession>('create', { data: first });
    await b.request('watch', { sessionId: session.sessionId, token: session.token });

    const rendered: SessionUpdate[] = [];
    for (let i = 0; i < 5; i++) rendered.push(...(await a.render(session, withItem(first, i, `from A ${i}`))));
    await eventually(() => b.updates.length >= rendered.length);
    expect(b.updates).toEqual(rendered);

    await a.stop();
    a = await start();
    const afterRestart = await a.render(session, withItem(first, 9, 'after restart'));
    expect(afterRestart[0]!.seq).toBe(rendered.at(-1)!.seq + 1);
    rendered.push(...afterRestart);

    const raced = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).render(session, withItem(first, i, `raced ${i}`))),
    );
    rendered.push(...raced.flat().sort((x, y) => x.seq - y.seq));
    expect(rendered.map((u) => u.seq)).toEqual(rendered.map((_, i) => i + 1));
    await eventually(() => b.updates.length >= rendered.length);
    expect(b.updates).toEqual(rendered);
  } finally {
    await Promise.all([a.stop(), b.stop()]);
  }
}

describe('StateTemplate in two Node processes sharing one Redis', needs(redisServer), () => {
  const redis = useRedisServer();
  it('shares sessions, streams updates across processes, survives a restart and loses no concurrent render', { timeout: HEAVY_TEST_MS }, () =>
    sharesSessions(() => InstanceProcess.start({ REDIS_URL: redis.server.url })),
  );
});

describe('StateTemplate in two Node processes sharing one Redis Cluster (3 masters)', needs(redisServer), () => {
  const redis = useRedisCluster({ masters: 3 });
  it('shares sessions, streams updates across processes, survives a restart and loses no concurrent render', { timeout: HEAVY_TEST_MS }, () =>
    sharesSessions(() => InstanceProcess.start({ REDIS_CLUSTER: JSON.stringify(redis.cluster.startupNodes) })),
  );
});

describe('presence across processes on one Redis', needs(redisServer), () => {
  const redis = useRedisServer();
  it("drops the viewers of a killed process once its entries expire, keeping the survivor's", { timeout: HEAVY_TEST_MS }, async () => {
    expect(built, 'the processes run the dist packages: `npx tsc -b` in store-redis and session first').toBe(true);
    // Long enough that a busy machine never lets a live instance's entries lapse; the leave is waited for, not timed.
    const PRESENCE_TIMEOUT = 6_000;
    const store = redis.store();
    const survivor = new StateTemplate(todoTemplate, { store, signingKey, presenceTimeout: PRESENCE_TIMEOUT });
    const doomed = await InstanceProcess.start({ REDIS_URL: redis.server.url, PRESENCE_TIMEOUT: String(PRESENCE_TIMEOUT) });
    try {
      await survivor.publish('list', { items: todoPage('list').items, open: 25 });
      const presence = await survivor.presence('list');
      const events: PresenceEvent[] = [];
      presence.subscribe((event) => events.push(event));
      const own = await survivor.newSession({ title: 'here' }, { topic: 'list', presence: { name: 'here' } });
      void (await survivor.getSession(own.sessionId, own.token)).updates().next();
      const there = await doomed.request<string>('viewTopic', { name: 'list', user: 'there' });
      await eventually(() => presence.list().length === 2);
      expect(events.filter((e) => e.type === 'join').map((e) => e.meta)).toEqual(expect.arrayContaining([{ name: 'here' }, { name: 'there' }]));
      await doomed.kill();
      await eventually(() => events.some((e) => e.type === 'leave'), 4 * PRESENCE_TIMEOUT);
      expect(events.filter((e) => e.type === 'leave').map((e) => e.sessionId)).toEqual([there]);
      expect(presence.list()).toEqual([{ sessionId: own.sessionId, meta: { name: 'here' } }]);
    } finally {
      await survivor.close();
      await store.close();
    }
  });
});
