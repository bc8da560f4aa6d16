import { defineProject, mergeConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

export default mergeConfig(
  shared,
  defineProject({
    test: {
      // Checks of the repository as a whole: the packages as they would be published.
      name: 'repo',
      include: ['*.test.ts'],
      // Last and alone: packing rebuilds each package's dist, which the other projects' tests import.
      sequence: { groupOrder: 2 },
    },
  }),
);
