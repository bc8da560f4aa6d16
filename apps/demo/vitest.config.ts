import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineProject({
    test: {
      name: 'demo',
      // Browser tests: a page load, a reconnect with backoff or a property batch takes seconds, not milliseconds.
      testTimeout: 120_000,
      hookTimeout: 120_000,
      // One Chromium at a time, and after the other projects, so no browser competes with them for the CPU.
      fileParallelism: false,
      sequence: { groupOrder: 1 },
    },
  }),
);
