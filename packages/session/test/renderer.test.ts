import { afterEach, describe, expect, it } from 'vitest';
import { Renderer, SessionNotFoundError } from '../src/index.js';
import { expected, page, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled } from './fixtures.js';

const open: Renderer[] = [];
function make(): Renderer {
  const renderer = new Renderer(TODO_TEMPLATE, { signingKey: SIGNING_KEY });
  open.push(renderer);
  return renderer;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

describe('Renderer (deprecated single-session API)', () => {
  it('renders the initial page, then streams the updates of sendUpdate on its channel', async () => {
    const renderer = make();
    const first = todoPage('legacy');
    const dom = page(await renderer.setInitialData(first));
    const channel = renderer.getUpdateChannel()[Symbol.asyncIterator]();
    const next = toggled(first, 4);
    await renderer.sendUpdate(next);
    // One item and the remaining count changed.
    dom.apply(await take(channel, 2));
    expect(dom.html()).toBe(expected(next));
  });

  it('starts over with a fresh session on a second setInitialData, ending the old channel', async () => {
    const renderer = make();
    await renderer.setInitialData(todoPage('one'));
    const oldChannel = renderer.getUpdateChannel()[Symbol.asyncIterator]();
    const html = await renderer.setInitialData(todoPage('two'));
    expect(html).toContain('two task 0');
    expect(await oldChannel.next()).toEqual({ value: undefined, done: true });
  });

  it('refuses updates before setInitialData with SessionNotFoundError', async () => {
    const renderer = make();
    await expect(renderer.sendUpdate(todoPage('x'))).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(() => renderer.getUpdateChannel()).toThrow(SessionNotFoundError);
  });
});

describe('Renderer.enableSessionMode (the migration path)', () => {
  it('returns a StateTemplate with the options added, which holds the default session beside new ones', async () => {
    const renderer = make();
    const st = renderer.enableSessionMode({ maxSessions: 2 });
    const first = todoPage('legacy');
    const dom = page(await renderer.setInitialData(first));
    const channel = renderer.getUpdateChannel()[Symbol.asyncIterator]();
    // The default session is one of st's: with it, one more fits under maxSessions 2.
    const other = await st.newSession(todoPage('new'));
    await expect(st.newSession(todoPage('third'))).rejects.toMatchObject({ code: 'session_limit' });
    const session = await st.getSession(other.sessionId, other.token);
    expect(await session.render(toggled(todoPage('new'), 1))).not.toEqual([]);
    const next = toggled(first, 2);
    await renderer.sendUpdate(next);
    dom.apply(await take(channel, 2));
    expect(dom.html()).toBe(expected(next));
  });

  it('refuses to come after setInitialData, or twice, saying why', async () => {
    const renderer = make();
    renderer.enableSessionMode();
    expect(() => renderer.enableSessionMode()).toThrow(/called already/);
    const late = make();
    await late.setInitialData(todoPage('x'));
    expect(() => late.enableSessionMode()).toThrow(/before setInitialData/);
  });
});
