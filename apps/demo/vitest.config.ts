import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Browser tests: a page load, a reconnect with backoff or a property batch takes seconds, not milliseconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Chromium at a time keeps every wait far inside its bound on a small CI machine.
    fileParallelism: false,
  },
});
