import { describe, expect, it } from 'vitest';
import { HEAVY_TEST_MS, needs } from '@statetemplate/test-utils';
import { chromium } from './support/harness.js';
import { useBundlePage, type CaseFailure } from './support/in-page.js';
import { baseSeed, browserCase, type BrowserCase, type Style } from './support/property-cases.js';

/**
 * The core's property test, with the patching done by the client bundle in
 * Chromium instead of jsdom: random templates, data and change sequences are
 * generated and diffed in Node; the page applies the updates with
 * StateTemplate.applyUpdates and must then equal a fresh parse of the plain
 * render. STATETEMPLATE_SEED replays a run; every failure prints its seed.
 */
const seed = baseSeed();
const STEPS = 6;
const BATCH = 25;
/** Failures reported in full; the rest are counted. */
const SHOWN = 3;

const suites: { name: string; cases: number; whole: boolean; style?: Style }[] = [
  { name: 'fresh objects every step', cases: 300, whole: false, style: 'fresh' },
  { name: 'immutable updates sharing unchanged subtrees', cases: 250, whole: false, style: 'shared' },
  { name: 'the same object mutated in place', cases: 300, whole: false, style: 'in-place' },
  { name: 'whole pages with a dynamic title', cases: 150, whole: true },
];
const STYLES: Style[] = ['fresh', 'shared', 'in-place'];

describe(`property in Chromium: the bundle's applyUpdates turns each page into a fresh render (seed ${seed})`, needs(chromium), () => {
  const chromiumPage = useBundlePage('property');

  let offset = 0;
  for (const suite of suites) {
    const start = offset;
    offset += suite.cases;
    it(`holds for ${suite.cases} generated cases: ${suite.name}`, { timeout: HEAVY_TEST_MS }, async () => {
      const failures: CaseFailure[] = [];
      let updates = 0;
      let attrs = 0;
      for (let from = start; from < start + suite.cases; from += BATCH) {
        const cases: BrowserCase[] = [];
        for (let index = from; index < Math.min(from + BATCH, start + suite.cases); index++) {
          cases.push(browserCase(seed, index, suite.style ?? STYLES[index % STYLES.length]!, suite.whole, STEPS));
        }
        updates += cases.reduce((sum, c) => sum + c.steps.reduce((n, s) => n + s.updates.length, 0), 0);
        attrs += cases.reduce((sum, c) => sum + c.steps.reduce((n, s) => n + s.updates.filter((u) => u.action === 'attrs').length, 0), 0);
        failures.push(...(await chromiumPage.page().evaluate((batch) => window.__st.runCases(batch), cases)));
      }
      if (failures.length > 0) {
        const shown = failures.slice(0, SHOWN).map(describeFailure).join('\n\n========\n\n');
        throw new Error(`${failures.length} of ${suite.cases} cases failed in Chromium (seed ${seed})\n\n${shown}`);
      }
      // Not vacuous: the cases really changed the pages.
      expect(updates).toBeGreaterThan(suite.cases);
      // And the bundle applied attribute-only changes as `attrs`.
      expect(attrs).toBeGreaterThan(suite.cases / 10);
    });
  }
});

function describeFailure(f: CaseFailure): string {
  const what = f.error === undefined ? `patched DOM differs from a fresh render\nexpected: ${f.expected}\nactual:   ${f.actual}` : `applyUpdates threw ${f.error}`;
  return `case ${f.index} (case seed ${f.seed}), step ${f.step}: ${what}\ntemplate:\n${f.template}\nupdates: ${JSON.stringify(f.updates)}`;
}
