import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The memory test measures the heap after explicit collections.
  test: { execArgv: ['--expose-gc'] },
});
