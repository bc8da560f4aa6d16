import { afterAll, describe, expect, it } from 'vitest';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import { StateTemplate } from '../src/index.js';
import { SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled } from './fixtures.js';

const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY });
afterAll(() => st.close());

describe('session isolation', () => {
  it('keeps 1,000 sessions rendered concurrently with distinct data free of each other\'s data', { timeout: HEAVY_TEST_MS }, async () => {
    const owners = Array.from({ length: 1_000 }, (_, i) => `owner${String(i).padStart(4, '0')}`);
    const sessions = await Promise.all(
      owners.map(async (owner) => {
        const created = await st.newSession(todoPage(owner));
        expect(created.html).toContain(`${owner} task 0`);
        const session = await st.getSession(created.sessionId, created.token);
        return { owner, session, stream: session.updates() };
      }),
    );
    const rendered = await Promise.all(
      sessions.map(async ({ owner, session }) => {
        const first = await session.render(toggled(todoPage(owner), 1, `${owner} edited`));
        const second = await session.render(toggled(toggled(todoPage(owner), 1, `${owner} edited`), 2, `${owner} again`));
        return [...first, ...second];
      }),
    );
    await Promise.all(
      sessions.map(async ({ owner, stream }, i) => {
        const updates = rendered[i]!;
        expect(updates.some((u) => u.html.includes(`${owner} edited`))).toBe(true);
        expect(await take(stream, updates.length)).toEqual(updates);
        for (const u of updates) {
          const foreign = u.html.match(/owner\d{4}/g)?.filter((name) => name !== owner) ?? [];
          expect(foreign).toEqual([]);
        }
      }),
    );
  });
});
