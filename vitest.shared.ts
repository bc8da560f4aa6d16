import { defineProject } from 'vitest/config';
import { HANG_GUARD_MS } from './packages/test-utils/src/timeouts.ts';

/**
 * What every project's tests share. The timeouts are hang guards, not speed
 * limits: CI is a shared 2-core machine that may be busy, and every wait ends
 * as soon as the event it waits for comes. Speed belongs in `pnpm bench`.
 */
export default defineProject({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: HANG_GUARD_MS } },
  },
});
