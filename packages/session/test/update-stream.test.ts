import { describe, expect, it } from 'vitest';
import { HANG_GUARD_MS } from '@statetemplate/test-utils';
import type { Resync, SessionUpdate } from '../src/index.js';
import { UpdateStream, type CatchUp } from '../src/update-stream.js';

/** A store whose snapshot reads the test answers one by one, in call order. */
function heldSnapshots() {
  const pending: ((snapshot: Resync) => void)[] = [];
  let asked: (() => void) | null = null;
  const catchUp: CatchUp = {
    since: async () => [],
    snapshot: () => new Promise<Resync | null>((resolve) => {
      pending.push(resolve);
      asked?.();
    }),
    now: () => 0,
    coalesced: () => undefined,
    resynced: () => undefined,
  };
  /** Answers the `n`th snapshot read (from 1), once it was asked for. */
  const answer = async (n: number, snapshot: Resync) => {
    let guard: NodeJS.Timeout | undefined;
    const hang = new Promise<never>((_, reject) => (guard = setTimeout(() => reject(new Error(`snapshot read ${n} never asked for`)), HANG_GUARD_MS)));
    try {
      while (pending.length < n) await Promise.race([new Promise<void>((resolve) => (asked = resolve)), hang]);
    } finally {
      clearTimeout(guard);
    }
    pending[n - 1]!(snapshot);
  };
  return { catchUp, answer, reads: () => pending.length };
}

const update = (seq: number): SessionUpdate => ({ fragment_id: '1', action: 'replace', html: `v${seq}`, timestamp: 0, seq });

describe('UpdateStream.resync', () => {
  it('delivers a snapshot instead of what it buffered', async () => {
    const { catchUp, answer } = heldSnapshots();
    const stream = new UpdateStream(0, 1 << 20, catchUp, () => undefined);
    stream.push([update(1), update(2)]);
    stream.resync();
    expect(stream.take()).toBeUndefined();
    const next = stream.next();
    await answer(1, { resync: 'whole', seq: 2 });
    expect((await next).value).toMatchObject({ fragment_id: '0', action: 'replace', html: 'whole', seq: 2 });
    stream.push([update(3)]);
    expect(stream.take()).toMatchObject({ seq: 3 });
  });

  it('reads the snapshot again when asked during a read: the page gets one taken after the call', async () => {
    const { catchUp, answer, reads } = heldSnapshots();
    const stream = new UpdateStream(0, 1 << 20, catchUp, () => undefined);
    stream.resync();
    const next = stream.next();
    expect(reads()).toBe(1);
    // The template changes again while the first snapshot is being read.
    stream.resync();
    await answer(1, { resync: 'before', seq: 0 });
    await answer(2, { resync: 'after', seq: 0 });
    expect((await next).value).toMatchObject({ fragment_id: '0', html: 'after' });
    expect(stream.take()).toBeUndefined();
  });
});
