import { defineProject } from 'vitest/config';

/**
 * What every project's tests share. The timeouts are hang guards, not speed
 * limits: CI is a shared 2-core machine that may be busy, and every wait ends
 * as soon as the event it waits for comes. Speed belongs in `pnpm bench`.
 */
export default defineProject({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    expect: { poll: { timeout: 30_000 } },
  },
});
