import { describe, expect, it } from 'vitest';
import { useSharedStore } from './shared-store.js';
import { SessionClosedError } from '../src/index.js';
import { drain, expected, page, take, todoPage, toggled, type TodoPage } from './fixtures.js';

const shared = useSharedStore();
const instance = shared.instance;

/** Two instances over one store, and a session created on the first. */
async function twoInstances(data: TodoPage = todoPage('shared')) {
  shared.fresh();
  const a = instance();
  const b = instance();
  const created = await a.newSession(data);
  return {
    created,
    onA: await a.getSession(created.sessionId, created.token),
    onB: await b.getSession(created.sessionId, created.token),
    a,
    b,
  };
}

describe('instances sharing a store', () => {
  it('streams a render made on one instance to subscribers on the other, continuing the sequence', async () => {
    const first = todoPage('shared');
    const { onA, onB } = await twoInstances(first);
    const stream = onA.updates();
    const fromA = await onA.render(toggled(first, 0));
    const fromB = await onB.render(toggled(toggled(first, 0), 1));
    expect(fromB[0]!.seq).toBe(fromA[fromA.length - 1]!.seq + 1);
    expect(await take(stream, fromA.length + fromB.length)).toEqual([...fromA, ...fromB]);
  });

  it('never loses a write when both render at once: every commit gets its own sequence numbers', async () => {
    const first = todoPage('shared');
    const { onA, onB, created } = await twoInstances(first);
    const stream = onA.updates();
    const pages = Array.from({ length: 40 }, (_, i) => toggled(first, i % 25, `write ${i}`));
    const results = await Promise.all(pages.map((p, i) => (i % 2 === 0 ? onA : onB).render(p)));
    const seqs = results.flat().map((u) => u.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const dom = page(created.html);
    dom.apply(await take(stream, seqs.length));
    expect(shared.store.conflicts).toBeGreaterThan(0);
    const last = results.findIndex((updates) => updates.some((u) => u.seq === seqs.length));
    expect(dom.html()).toBe(expected(pages[last]!));
  });

  it('fills a lost message from the replay log', async () => {
    const first = todoPage('shared');
    const { onA, onB } = await twoInstances(first);
    const stream = onA.updates();
    shared.store.dropNext = 1;
    const lost = await onB.render(toggled(first, 0));
    const next = await onB.render(toggled(toggled(first, 0), 1));
    expect(await take(stream, lost.length + next.length)).toEqual([...lost, ...next]);
  });

  it('delivers a command after the update it follows even when that update\'s message was lost', async () => {
    const first = todoPage('shared');
    const { onA, onB } = await twoInstances(first);
    const stream = onA.updates({ commands: true });
    shared.store.dropNext = 1;
    const lost = await onB.render(toggled(first, 0));
    await onB.pushEvent('after-lost', { ok: true });
    const after = lost.at(-1)!.seq;
    expect(await take(stream, lost.length + 1)).toEqual([...lost, { command: 'event', name: 'after-lost', payload: { ok: true }, after }]);
  });

  it('ends streams on every instance when one invalidates the session', async () => {
    const { onA, onB } = await twoInstances();
    const stream = onA.updates();
    await onB.invalidate();
    expect(await drain(stream)).toEqual([]);
    await expect(onA.render(todoPage('late'))).rejects.toBeInstanceOf(SessionClosedError);
  });

  it('ends a stream at cleanup even when the end message was lost', async () => {
    const { onA, onB, a } = await twoInstances();
    const stream = onA.updates();
    await take(stream, (await onB.render(toggled(todoPage('shared'), 2))).length);
    shared.store.dropNext = 1;
    await onB.invalidate();
    await a.cleanup();
    expect(await drain(stream)).toEqual([]);
  });
});
