import { afterEach, describe, expect, it, vi } from 'vitest';
import { TemplateError } from '@statetemplate/core';
import { KeyError } from '@statetemplate/security';
import { MemorySessionStore } from '@statetemplate/store-memory';
import {
  InvalidTokenError,
  SessionClosedError,
  SessionError,
  SessionExpiredError,
  SessionLimitError,
  SessionNotFoundError,
  StateTemplate,
  type StateTemplateOptions,
} from '../src/index.js';
import { drain, manualClock, MINUTE, SECOND, SIGNING_KEY, take, TODO_TEMPLATE, todoPage, toggled } from './fixtures.js';

const HOUR = 3_600_000;

const open: StateTemplate[] = [];
function make(options: StateTemplateOptions = {}): StateTemplate {
  const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, ...options });
  open.push(st);
  return st;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((st) => st.close()));
});

/** The same token with one character of its ciphertext changed. */
function tampered(token: string): string {
  const i = Math.floor(token.length / 2);
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('StateTemplate construction', () => {
  it('refuses a malformed template with TemplateError', () => {
    expect(() => new StateTemplate('{{#open}}never closed', { signingKey: SIGNING_KEY })).toThrow(TemplateError);
  });

  it('refuses a signing key under 32 bytes with KeyError', () => {
    expect(() => new StateTemplate(TODO_TEMPLATE, { signingKey: 'short' })).toThrow(KeyError);
  });

  it('refuses nonsensical numbers with RangeError', () => {
    for (const bad of [{ expiration: 0 }, { maxAge: 0 }, { maxSessions: -1 }, { cleanupInterval: Number.NaN }, { replayLog: 1.5 }, { streamBuffer: 0 }]) {
      expect(() => new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, ...bad })).toThrow(RangeError);
    }
  });

  it('refuses a now that is not a function with TypeError', () => {
    for (const now of [42, 'Date.now', {}]) {
      expect(() => new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, now: now as unknown as () => number })).toThrow(TypeError);
    }
  });
});

describe('newSession', () => {
  it('renders the full annotated page and returns a session id and token', async () => {
    const st = make();
    const created = await st.newSession(todoPage('ann'));
    expect(created.html).toContain('<!--[');
    expect(created.html).toContain('ann task 24');
    expect(created.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.token.split('.')).toHaveLength(5);
  });

  it('gives every session its own id and token', async () => {
    const st = make();
    const sessions = await Promise.all(Array.from({ length: 50 }, () => st.newSession(todoPage('x'))));
    expect(new Set(sessions.map((s) => s.sessionId)).size).toBe(50);
    expect(new Set(sessions.map((s) => s.token)).size).toBe(50);
  });

  it('rejects with the abort reason and stores nothing when the signal is aborted', async () => {
    const store = new MemorySessionStore();
    const st = make({ store });
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await expect(st.newSession(todoPage('x'), { signal: controller.signal })).rejects.toThrow('user left');
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it('refuses sessions past maxSessions with SessionLimitError, also when created concurrently', async () => {
    const st = make({ maxSessions: 5 });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => st.newSession(todoPage('x'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toBeInstanceOf(SessionLimitError);
        expect((r.reason as SessionLimitError).code).toBe('session_limit');
        expect((r.reason as SessionLimitError).limit).toBe(5);
      }
    }
  });

  it('makes room under maxSessions once a session is invalidated', async () => {
    const st = make({ maxSessions: 1 });
    const first = await st.newSession(todoPage('x'));
    await expect(st.newSession(todoPage('y'))).rejects.toBeInstanceOf(SessionLimitError);
    await (await st.getSession(first.sessionId, first.token)).invalidate();
    await expect(st.newSession(todoPage('y'))).resolves.toHaveProperty('sessionId');
  });

  it('removes expired sessions before refusing at maxSessions', async () => {
    const clock = manualClock();
    const st = make({ maxSessions: 1, expiration: MINUTE, now: clock.now });
    await st.newSession(todoPage('x'));
    clock.advance(60_001);
    await expect(st.newSession(todoPage('y'))).resolves.toHaveProperty('sessionId');
  });
});

describe('getSession', () => {
  it('opens a session with its own token', async () => {
    const st = make();
    const created = await st.newSession(todoPage('x'));
    const session = await st.getSession(created.sessionId, created.token);
    expect(session.id).toBe(created.sessionId);
    expect(session.seq).toBe(0);
  });

  it('refuses the token of another session with InvalidTokenError', async () => {
    const st = make();
    const a = await st.newSession(todoPage('a'));
    const b = await st.newSession(todoPage('b'));
    const error = await st.getSession(b.sessionId, a.token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenError);
    expect(error).toBeInstanceOf(SessionError);
    expect((error as InvalidTokenError).code).toBe('invalid_token');
  });

  it('refuses tampered, truncated, empty and non-string tokens with InvalidTokenError', async () => {
    const st = make();
    const { sessionId, token } = await st.newSession(todoPage('x'));
    for (const bad of [tampered(token), token.slice(0, -3), '', 'not.a.token.at.all', 42 as unknown as string]) {
      await expect(st.getSession(sessionId, bad)).rejects.toBeInstanceOf(InvalidTokenError);
    }
  });

  it('refuses a token signed with another key with InvalidTokenError', async () => {
    const st = make();
    const other = make({ signingKey: 'a different key that is also long enough' });
    const { sessionId, token } = await other.newSession(todoPage('x'));
    await expect(st.getSession(sessionId, token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a malformed session id with InvalidTokenError', async () => {
    const st = make();
    const { token } = await st.newSession(todoPage('x'));
    for (const id of ['', '../../etc/passwd', 'x'.repeat(10_000)]) {
      await expect(st.getSession(id, token)).rejects.toBeInstanceOf(InvalidTokenError);
    }
  });

  it('enforces the client binding of the token', async () => {
    const st = make();
    const { sessionId, token } = await st.newSession(todoPage('x'), { client: 'agent-1' });
    await expect(st.getSession(sessionId, token, { client: 'agent-1' })).resolves.toHaveProperty('id', sessionId);
    await expect(st.getSession(sessionId, token, { client: 'agent-2' })).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(st.getSession(sessionId, token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a session that no longer exists with SessionNotFoundError', async () => {
    const st = make();
    const { sessionId, token } = await st.newSession(todoPage('x'));
    await st.invalidate(sessionId);
    const error = await st.getSession(sessionId, token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionNotFoundError);
    expect((error as SessionNotFoundError).code).toBe('session_not_found');
  });

  it('keeps an active session and its token working past the idle timeout, up to maxAge', async () => {
    const clock = manualClock();
    const st = make({ expiration: 4 * SECOND, maxAge: 20 * SECOND, now: clock.now });
    let data = todoPage('x');
    const { sessionId, token } = await st.newSession(data);
    const session = await st.getSession(sessionId, token);
    // A render every half second for 10.5 s: the session slides, and the page's first token still opens it.
    for (let t = 0; t < 21; t++) {
      clock.advance(500);
      await session.render((data = toggled(data, t % 25)));
    }
    await expect(st.getSession(sessionId, token)).resolves.toHaveProperty('id', sessionId);
    // However active, it ends at maxAge.
    for (let t = 21; t < 39; t++) {
      clock.advance(500);
      await session.render((data = toggled(data, t % 25)));
    }
    clock.advance(500);
    await expect(session.render(toggled(data, 3))).rejects.toBeInstanceOf(SessionExpiredError);
    await expect(st.getSession(sessionId, token)).rejects.toMatchObject({ code: 'session_not_found' });
    // The token ends at maxAge too (past the clock tolerance of 5 s).
    clock.advance(6 * SECOND);
    await expect(st.getSession(sessionId, token)).rejects.toBeInstanceOf(SessionExpiredError);
  });

  it('cleans up without reading the records of the sessions it serves', async () => {
    class CountingStore extends MemorySessionStore {
      reads = 0;
      override get(id: string) {
        this.reads++;
        return super.get(id);
      }
    }
    const store = new CountingStore();
    const st = make({ store });
    const streams = [];
    for (let i = 0; i < 50; i++) {
      const { sessionId, token } = await st.newSession(todoPage(`p${i}`));
      streams.push((await st.getSession(sessionId, token)).updates());
    }
    const { sessionId, token } = await st.newSession(todoPage('lost'));
    const orphan = (await st.getSession(sessionId, token)).updates();
    await store.delete(sessionId);
    // Each new stream's catch-up read runs in microtasks; a macrotask starts after all of them.
    await new Promise(setImmediate);
    store.reads = 0;
    await st.cleanup();
    expect(store.reads).toBe(0);
    // A session gone without an end message still has its streams ended.
    expect(await drain(orphan)).toEqual([]);
    expect(streams).toHaveLength(50);
    await st.close();
    await store.close();
  });

  it('refuses an expired session', async () => {
    const clock = manualClock();
    // Tokens live at least a second, so this one still opens and the refusal comes from the store.
    const expiration = 1; // ms: the manual clock moves past it
    const st = make({ expiration, now: clock.now });
    const { sessionId, token } = await st.newSession(todoPage('x'));
    clock.advance(2);
    await expect(st.getSession(sessionId, token)).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('refuses a token past its lifetime with SessionExpiredError', async () => {
    // Tokens live as long as maxAge; a store that keeps sessions longer shows the token's own expiry.
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.now });
    const st = make({ store, expiration: SECOND, maxAge: 30 * SECOND, now: clock.now });
    const { sessionId, token } = await st.newSession(todoPage('x'));
    await store.touch(sessionId, clock.now() + HOUR);
    clock.advance(60_000);
    const error = await st.getSession(sessionId, token).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionExpiredError);
    expect((error as SessionExpiredError).code).toBe('session_expired');
    await store.close();
  });

  it('counts as activity: it moves the expiry forward', async () => {
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.now });
    const st = make({ store, expiration: MINUTE, now: clock.now });
    const { sessionId, token } = await st.newSession(todoPage('x'));
    await store.touch(sessionId, clock.now() + 10);
    clock.advance(5);
    await st.getSession(sessionId, token);
    expect((await store.get(sessionId))!.expiresAt).toBe(clock.now() + 60_000);
    await store.close();
  });
});

describe('cleanup', () => {
  it('deletes expired sessions, ends their update streams and keeps live ones', async () => {
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.now });
    const st = make({ store, expiration: MINUTE, now: clock.now });
    const doomed = await st.newSession(todoPage('doomed'));
    const kept = await st.newSession(todoPage('kept'));
    const stream = (await st.getSession(doomed.sessionId, doomed.token)).updates();
    await store.touch(doomed.sessionId, clock.now() - 1);
    expect(await st.cleanup()).toBe(1);
    expect(await drain(stream)).toEqual([]);
    expect(await store.count()).toBe(1);
    await expect(st.getSession(kept.sessionId, kept.token)).resolves.toHaveProperty('id', kept.sessionId);
    await store.close();
  });

  it('runs by itself every cleanupInterval', async () => {
    // Only the interval is faked: streams and their hang guards keep real timers.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.now });
    try {
      const interval = 10 * SECOND;
      const st = make({ store, expiration: MINUTE, cleanupInterval: interval, now: clock.now });
      const { sessionId, token } = await st.newSession(todoPage('x'));
      const session = await st.getSession(sessionId, token);
      const stream = session.updates();
      // One update through the stream proves it is live, so only the cleanup can end it.
      await take(stream, (await session.render(toggled(todoPage('x'), 0))).length);
      clock.advance(60_001);
      expect(await store.count()).toBe(1);
      await vi.advanceTimersByTimeAsync(interval);
      expect(await drain(stream)).toEqual([]);
      expect(await store.count()).toBe(0);
      await st.close();
    } finally {
      vi.useRealTimers();
      await store.close();
    }
  });
});

describe('close', () => {
  it('ends open update streams and refuses further work with SessionClosedError', async () => {
    const st = make();
    const { sessionId, token } = await st.newSession(todoPage('x'));
    const session = await st.getSession(sessionId, token);
    const stream = session.updates();
    await st.close();
    expect(await drain(stream)).toEqual([]);
    await expect(st.newSession(todoPage('y'))).rejects.toBeInstanceOf(SessionClosedError);
    await expect(st.getSession(sessionId, token)).rejects.toBeInstanceOf(SessionClosedError);
    await expect(session.render(todoPage('z'))).rejects.toBeInstanceOf(SessionClosedError);
    await expect(st.close()).resolves.toBeUndefined();
  });

  it('lets renders called before it finish', async () => {
    const st = make();
    const { sessionId, token } = await st.newSession(todoPage('x'));
    const session = await st.getSession(sessionId, token);
    const render = session.render(todoPage('y'));
    await st.close();
    expect((await render).length).toBeGreaterThan(0);
  });

  it('closes the default store but leaves a store it was given open', async () => {
    const store = new MemorySessionStore();
    const st = make({ store });
    await st.newSession(todoPage('x'));
    await st.close();
    expect(await store.count()).toBe(1);
    await store.close();
  });
});
