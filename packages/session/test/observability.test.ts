import { afterEach, describe, expect, it, vi } from 'vitest';
import { ROOT_ID } from '@statetemplate/protocol';
import { StoreError, type SessionRecord } from '@statetemplate/store';
import { MemorySessionStore } from '@statetemplate/store-memory';
import { recordingLogger } from '@statetemplate/test-utils';
import { StateTemplate, type StateTemplateOptions } from '../src/index.js';
import { manualClock, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled, type TodoPage } from './fixtures.js';

const open: StateTemplate[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(open.splice(0).map((st) => st.close()));
});

/** A monotonic clock that moves only when the test (or a store standing in for a slow one) moves it. */
function monotonic() {
  const clock = manualClock(0);
  return { performanceNow: clock.now, advance: clock.advance };
}

function template(options: StateTemplateOptions = {}): StateTemplate<TodoPage> {
  const st = new StateTemplate<TodoPage>(TODO_TEMPLATE, { signingKey: SIGNING_KEY, ...options });
  open.push(st);
  return st;
}

async function session(st: StateTemplate<TodoPage>, data = todoPage('a')) {
  const { sessionId, token } = await st.newSession(data);
  return st.getSession(sessionId, token);
}

/** A memory store whose writes take `ms` on the test's clock: slow without being slow. */
class SlowWrites extends MemorySessionStore {
  constructor(
    private readonly advance: (ms: number) => void,
    public ms: number,
  ) {
    super();
  }

  override update(record: SessionRecord): Promise<SessionRecord> {
    this.advance(this.ms);
    return super.update(record);
  }
}

describe('st.metrics()', () => {
  it('counts renders and updates, with their rate over the last whole seconds of the injected clock', async () => {
    const clock = monotonic();
    const st = template({ performanceNow: clock.performanceNow });
    const s = await session(st);
    let data = todoPage('a');
    let updates = 0;
    for (let i = 0; i < 3; i++) updates += (await s.render((data = toggled(data, i)))).length;
    // A render that changes nothing is a render too, of no update.
    expect(await s.render(data)).toEqual([]);
    expect(st.metrics()).toMatchObject({ renders: { total: 4, perSecond: 0 }, updates: { total: updates, perSecond: 0 } });

    clock.advance(1_000);
    expect(st.metrics()).toMatchObject({ renders: { total: 4, perSecond: 4 }, updates: { perSecond: updates } });
    await s.render((data = toggled(data, 7)));
    await s.render((data = toggled(data, 8)));
    clock.advance(1_000);
    expect(st.metrics().renders).toEqual({ total: 6, perSecond: 3 });
    // The window is ten seconds: the early renders fall out of it.
    clock.advance(9_000);
    expect(st.metrics().renders).toEqual({ total: 6, perSecond: 0.2 });
    clock.advance(1_000);
    expect(st.metrics().renders).toEqual({ total: 6, perSecond: 0 });
  });

  it('counts the sessions and streams live here, and what waits in their buffers', async () => {
    const st = template();
    const a = await session(st);
    const b = await session(st, todoPage('b'));
    const first = a.updates();
    const second = a.updates();
    const third = b.updates();
    expect(st.metrics()).toMatchObject({ sessions: 2, streams: 3, queued: 0, queuedBytes: 0 });
    const sent = await a.render(toggled(todoPage('a'), 1));
    // Once one stream has them, both of the session's streams do: one message feeds both.
    await take(first, sent.length);
    expect(st.metrics()).toMatchObject({ queued: sent.length });
    expect(st.metrics().queuedBytes).toBeGreaterThan(0);
    await second.return();
    await third.return();
    expect(st.metrics()).toMatchObject({ sessions: 1, streams: 1, queued: 0, queuedBytes: 0 });
  });

  it('counts the updates a slow stream coalesced and the whole pages it got instead, and logs the resyncs', async () => {
    const logger = recordingLogger();
    const st = template({ streamBuffer: 2_048, logger, name: 'todos' });
    const s = await session(st);
    const stream = s.updates();
    let data = todoPage('a');
    let made = 0;
    // Edits over few fragments: newer replaces cover older ones.
    for (let i = 0; i < 300; i++) made += (await s.render((data = toggled(data, i % 5, `edit ${i}`)))).length;
    let delivered = 0;
    for (let last = 0; last < s.seq; delivered++) last = (await take(stream, 1))[0]!.seq;
    expect(st.metrics()).toMatchObject({ coalesced: made - delivered, resyncs: 0 });
    expect(logger.said('statetemplate: page resynced')).toEqual([]);

    // A flood that cannot coalesce collapses into one whole page.
    for (let i = 0; i < 200; i++) {
      data = { ...data, items: [...data.items, { id: 1000 + i, text: `added ${i}`, done: false }] };
      made += (await s.render(data)).length;
    }
    const [whole] = await take(stream, 1);
    expect(whole).toMatchObject({ fragment_id: ROOT_ID, action: 'replace' });
    expect(st.metrics().resyncs).toBe(1);
    expect(logger.said('statetemplate: page resynced')).toEqual([
      { level: 'info', fields: { template: 'todos', sessionId: s.id, reason: 'backlog' }, message: 'statetemplate: page resynced' },
    ]);
    await stream.return();
  });

  it('counts a page further behind than the replay log as a resync', async () => {
    const logger = recordingLogger();
    const st = template({ replayLog: 4, logger });
    const s = await session(st);
    let data = todoPage('a');
    for (let i = 0; i < 6; i++) await s.render((data = toggled(data, i)));
    const stream = s.updates({ since: 0 });
    expect((await take(stream, 1))[0]).toMatchObject({ fragment_id: ROOT_ID });
    expect(st.metrics().resyncs).toBe(1);
    expect((await logger.heard('statetemplate: page resynced')).fields).toEqual({ sessionId: s.id, reason: 'replay_log' });
    await stream.return();
  });

  it('times store calls and renders on the injected clock', async () => {
    const clock = monotonic();
    const store = new SlowWrites(clock.advance, 30);
    const st = template({ store, performanceNow: clock.performanceNow });
    const s = await session(st);
    const before = st.metrics().store;
    expect(before).toMatchObject({ errors: 0, failing: false, ms: { last: 0, p99: 0 } });
    await s.render(toggled(todoPage('a'), 1));
    const { store: after, renderMs } = st.metrics();
    // The write, then the publish of its message.
    expect(after.calls).toBe(before.calls + 2);
    expect(after.ms).toMatchObject({ count: after.calls, last: 0, p99: 30 });
    expect(after.ms.avg).toBeCloseTo(30 / after.calls);
    expect(renderMs).toEqual({ count: 1, last: 30, avg: 30, p99: 30 });
    await store.close();
  });
});

describe('the logger option', () => {
  it('hears a render that took slowRenderMs or longer, with its session, template and duration', async () => {
    const clock = monotonic();
    const logger = recordingLogger();
    const store = new SlowWrites(clock.advance, 49);
    const st = template({ store, performanceNow: clock.performanceNow, logger, name: 'todos' });
    const s = await session(st);
    let data = todoPage('a');
    await s.render((data = toggled(data, 1)));
    expect(logger.said('statetemplate: slow render')).toEqual([]);
    store.ms = 50;
    const updates = await s.render((data = toggled(data, 2)));
    expect(logger.said('statetemplate: slow render')).toEqual([
      { level: 'warn', fields: { template: 'todos', sessionId: s.id, ms: 50, updates: updates.length }, message: 'statetemplate: slow render' },
    ]);
    await store.close();
  });

  it('takes its own threshold', async () => {
    const clock = monotonic();
    const logger = recordingLogger();
    const store = new SlowWrites(clock.advance, 10);
    const st = template({ store, performanceNow: clock.performanceNow, logger, slowRenderMs: 10 });
    const s = await session(st);
    await s.render(toggled(todoPage('a'), 1));
    expect((await logger.heard('statetemplate: slow render')).fields).toMatchObject({ sessionId: s.id, ms: 10 });
    await store.close();
  });

  it('hears a background failure instead of a process warning', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const logger = recordingLogger();
    const store = new MemorySessionStore();
    const failure = new Error('index unreadable');
    store.getExpired = () => Promise.reject(failure);
    const warnings = vi.spyOn(process, 'emitWarning');
    template({ store, logger, cleanupInterval: 1_000 });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await logger.heard('statetemplate: cleanup failed')).toEqual({ level: 'error', fields: { err: failure }, message: 'statetemplate: cleanup failed' });
    expect(warnings).not.toHaveBeenCalled();
    warnings.mockRestore();
    await store.close();
  });

  it('is not there by default: nothing is logged, a background failure stays a process warning', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = monotonic();
    const store = new SlowWrites(clock.advance, 1_000);
    const failure = new Error('index unreadable');
    store.getExpired = () => Promise.reject(failure);
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const st = template({ store, performanceNow: clock.performanceNow, cleanupInterval: 1_000 });
    expect(st.logger).toBeUndefined();
    const s = await session(st);
    await s.render(toggled(todoPage('a'), 1));
    expect(warnings).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(warnings).toHaveBeenCalledWith(failure, 'StateTemplateCleanupError');
    warnings.mockRestore();
    await store.close();
  });

  it('refuses a logger without info, warn and error', () => {
    expect(() => template({ logger: { info() {}, warn() {} } as never })).toThrow(/logger\.error must be a function/);
    expect(() => template({ performanceNow: 5 as never })).toThrow(TypeError);
  });
});

/** The store errors are counted whatever the logger: the contract's answers (a conflict) are not failures. */
describe('store health', () => {
  it('counts failed calls, and tells the logger once when the store fails and once when it is back', async () => {
    const logger = recordingLogger();
    const store = new MemorySessionStore();
    const st = template({ store, logger });
    const s = await session(st);
    const outage = new StoreError('unavailable', 'the store is down');
    const get = store.get.bind(store);
    const update = store.update.bind(store);
    store.get = () => Promise.reject(outage);
    store.update = () => Promise.reject(outage);
    await expect(s.render(toggled(todoPage('a'), 1))).rejects.toBe(outage);
    await expect(s.render(toggled(todoPage('a'), 2))).rejects.toBe(outage);
    expect(st.metrics().store).toMatchObject({ errors: 2, failing: true });
    expect(logger.said('statetemplate: the session store is failing')).toEqual([
      { level: 'error', fields: { operation: 'update', code: 'unavailable', err: outage }, message: 'statetemplate: the session store is failing' },
    ]);
    store.get = get;
    store.update = update;
    await s.render(toggled(todoPage('a'), 3));
    expect(st.metrics().store).toMatchObject({ errors: 2, failing: false });
    expect((await logger.heard('statetemplate: the session store is back')).fields).toMatchObject({ failures: 2 });
    await store.close();
  });
});
