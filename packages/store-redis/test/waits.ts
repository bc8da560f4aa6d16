/** Bounded waits: tests wait on events or states, never on fixed sleeps. */
import { HANG_GUARD_MS } from '@statetemplate/test-utils';

/** Settles `promise` or fails after `ms`: a hang check, not a speed assertion. */
export async function settlesWithin<T>(promise: Promise<T>, ms = HANG_GUARD_MS): Promise<PromiseSettledResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.allSettled([promise]).then(([result]) => result!), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` until it returns true, at most `ms`; for states Redis reaches on its own (expiry, reconnects). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = HANG_GUARD_MS, everyMs = 25): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The next `n` values of an async iterator; each must arrive within the hang bound. */
export async function take<T>(stream: AsyncIterator<T>, n: number): Promise<T[]> {
  const values: T[] = [];
  while (values.length < n) {
    const next = await settlesWithin(stream.next());
    if (next.status === 'rejected') throw next.reason;
    if (next.value.done) throw new Error(`the stream ended after ${values.length} of ${n} values`);
    values.push(next.value.value);
  }
  return values;
}
