import { relative } from 'node:path';
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/**
 * Closes the run with one line for everyone, `N passed, N failed, N skipped`,
 * after naming what each skip hides. A test file that fails outside any test
 * (it cannot load, a hook throws) counts as one failure, and so does an
 * error no test caught: neither may pass for a green run.
 */
export default class TotalReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const totals = { passed: 0, failed: unhandled.length, skipped: 0 };
    const skips = new Map<string, number>();
    const broken: string[] = [];
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const { state } = test.result();
        if (state === 'passed') totals.passed++;
        else if (state === 'skipped') {
          totals.skipped++;
          // `missing` is what test-utils' needs() records on the tests of a suite it skips.
          const { missing } = test.meta() as { missing?: string };
          const why = missing ?? `skipped in ${relative(process.cwd(), module.moduleId)} without a recorded reason`;
          skips.set(why, (skips.get(why) ?? 0) + 1);
        } else totals.failed++; // failed, or never finished
      }
      const [error] = module.errors();
      if (error !== undefined) {
        totals.failed++;
        broken.push(`${relative(process.cwd(), module.moduleId)}: ${error.message.split('\n')[0]}`);
      }
    }
    const lines = [
      ...[...skips].map(([why, count]) => `skipped ${count} test${count === 1 ? '' : 's'}: ${why}`),
      ...broken.map((where) => `failed outside any test: ${where}`),
      ...unhandled.map((error) => `failed outside any test: unhandled ${error.name ?? 'error'}: ${error.message.split('\n')[0]}`),
      `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`,
    ];
    process.stdout.write(`\n${lines.join('\n')}\n`);
  }
}
