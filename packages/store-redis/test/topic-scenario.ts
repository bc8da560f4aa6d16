import { expect } from 'vitest';
import type { Session, StateTemplate } from '@statetemplate/session';
import { ROOT_ID } from '@statetemplate/protocol';
import { todoPage, withItem } from './fixtures/todo-page.mjs';
import { eventually } from './waits.js';

/** The shared part of a todo page: the topic's data. */
const list = (page: ReturnType<typeof todoPage>) => ({ items: page.items, open: page.open });

/**
 * A topic published from both instances in turn, with a session on each
 * (each greeting its own title) whose stream is on the other instance: every
 * change must cross the store's pub/sub as parts, and both instances must
 * end up showing each session the same page.
 */
export async function topicAcrossInstances(a: StateTemplate, b: StateTemplate): Promise<void> {
  let shared = todoPage('topic');
  await a.publish('list', list(shared));
  const viewers: { onA: Session; onB: Session; seen: number[]; roots: number }[] = [];
  for (const [title, home] of [['on A', a], ['on B', b]] as const) {
    const { sessionId, token } = await home.newSession({ title }, { topic: 'list' });
    const viewer = { onA: await a.getSession(sessionId, token), onB: await b.getSession(sessionId, token), seen: [] as number[], roots: 0 };
    const stream = (home === a ? viewer.onB : viewer.onA).updates();
    void (async () => {
      for await (const update of stream) {
        viewer.seen.push(update.seq);
        if (update.fragment_id === ROOT_ID) viewer.roots++;
      }
    })();
    viewers.push(viewer);
  }
  for (let i = 0; i < 8; i++) {
    shared = withItem(shared, i, `shared edit ${i}`);
    await (i % 2 === 0 ? a : b).publish('list', list(shared));
  }
  const whole = async (session: Session) => {
    const now = await session.updatesSince(-1);
    return Array.isArray(now) ? null : now;
  };
  for (const viewer of viewers) {
    await eventually(async () => (await whole(viewer.onA))?.seq === (await whole(viewer.onB))?.seq);
    const there = (await whole(viewer.onA))!;
    await eventually(() => viewer.seen.at(-1) === there.seq);
    expect(viewer.seen).toEqual([...viewer.seen].sort((x, y) => x - y));
    expect(viewer.roots).toBe(0);
    expect(there.resync).toContain('shared edit 7');
    expect((await whole(viewer.onB))!.resync).toBe(there.resync);
  }
}
