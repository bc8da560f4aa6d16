import { defineConfig } from 'vitest/config';

/**
 * The README's test command runs every project in one vitest run, so the run
 * ends with one total (`test/total-reporter.ts`). A project's own config
 * (`packages/NAME/vitest.config.ts`) also runs alone: `cd packages/NAME && npx vitest run`.
 */
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'test/vitest.config.ts'],
    reporters: ['default', './test/total-reporter.ts'],
  },
});
