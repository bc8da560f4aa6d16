import { describe, expect, it } from 'vitest';
import { HEAVY_TEST_MS } from '@statetemplate/test-utils';
import { StateTemplate, type UpdateStream } from '../src/index.js';
import { drain, manualClock, type ManualClock, MINUTE, SIGNING_KEY, TODO_TEMPLATE, todoPage, toggled } from './fixtures.js';

const collect = globalThis.gc;

function heapAfterGc(): number {
  if (collect === undefined) throw new Error('run with --expose-gc (vitest.config.ts passes it to the workers)');
  collect();
  collect();
  return process.memoryUsage().heapUsed;
}

/** Creates `count` sessions; every tenth also gets a render and an open update stream. */
async function populate(st: StateTemplate, count: number): Promise<UpdateStream[]> {
  const streams: UpdateStream[] = [];
  for (let start = 0; start < count; start += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, count - start) }, async (_, i) => {
        const n = start + i;
        const { sessionId, token } = await st.newSession(todoPage(`m${n}`));
        if (n % 10 !== 0) return;
        const session = await st.getSession(sessionId, token);
        streams.push(session.updates());
        await session.render(toggled(todoPage(`m${n}`), n % 25));
      }),
    );
  }
  return streams;
}

describe('memory', () => {
  it('returns the heap near its baseline once 10,000 sessions expired and were cleaned up', { timeout: HEAVY_TEST_MS }, async () => {
    const clock = manualClock();
    // The default store shares the clock, so expiry is a step of the clock, not a wait.
    const st = new StateTemplate(TODO_TEMPLATE, { signingKey: SIGNING_KEY, expiration: MINUTE, now: clock.now });
    // Warm-up with a round of the same size: lazy allocations that do not grow with the
    // session count (JIT code, grown tables of the store) happen before the baseline, so
    // what is left afterwards measures what sessions leave behind.
    await drainAll(await populate(st, 10_000), st, clock);
    const baseline = heapAfterGc();

    let streams: UpdateStream[] | null = await populate(st, 10_000);
    const held = heapAfterGc() - baseline;
    expect(held).toBeGreaterThan(10_000 * 1_000);

    await drainAll(streams, st, clock);
    streams = null;
    const left = heapAfterGc() - baseline;
    console.info(`10,000 sessions held ${(held / 1e6).toFixed(1)} MB; ${(left / 1e6).toFixed(2)} MB left after expiry`);
    expect(left).toBeLessThan(Math.max(held * 0.05, 1_000_000));
    await st.close();
  });
});

/** Moves the clock past every expiry, runs the cleanup, and waits for each stream to end. */
async function drainAll(streams: UpdateStream[], st: StateTemplate, clock: ManualClock): Promise<void> {
  clock.advance(120_000);
  await st.cleanup();
  // Each ends (drain fails on a stream that does not), after what it still buffered.
  for (const stream of streams) await drain(stream);
}
