// Adds up vitest's per-package "Tests" lines from a test log and prints one
// closing line, "N passed, N failed, N skipped", so CI can tell how many tests ran.
import { readFileSync } from 'node:fs';

const log = readFileSync(process.argv[2], 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
for (const line of log.split('\n')) {
  const tests = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!tests) continue;
  for (const [, count, kind] of tests[1].matchAll(/(\d+) (passed|failed|skipped)/g)) totals[kind] += Number(count);
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
