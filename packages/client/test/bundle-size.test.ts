import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The budget for everything the browser loads: events, hooks, navigation, uploads, recovery and the patcher. */
const BUDGET = 8.5 * 1024;

describe('the script bundle', () => {
  it(`stays within ${BUDGET} bytes minified and gzipped`, () => {
    // Built by the test command before the tests run.
    const code = readFileSync(new URL('../dist/statetemplate.min.js', import.meta.url));
    const size = gzipSync(code, { level: 9 }).length;
    console.log(`dist/statetemplate.min.js: ${code.length} B minified, ${size} B min+gzip (budget ${BUDGET} B)`);
    expect(size).toBeLessThanOrEqual(BUDGET);
  });
});
