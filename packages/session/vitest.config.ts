import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(shared, defineProject({
  test: {
    name: 'session',
    // The memory test measures the heap after explicit collections.
    execArgv: ['--expose-gc'],
  },
}));
