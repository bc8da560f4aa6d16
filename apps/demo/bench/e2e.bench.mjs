// End-to-end latency on loopback: from the server's render() to the DOM patched
// in Chromium. Run `pnpm bench` (after a build); writes bench/results.json.
//
// Two clocks are involved (Node's and the page's), both wall-clock based high
// resolution timers on the same machine; their offset is calibrated with the
// round trip of smallest latency and its uncertainty is reported.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { chromiumAvailable, launchChromium } from '@statetemplate/test-utils';
import { Demo } from '../dist/app.js';

const WARMUP = 30;
const RUNS = 300;
const LIST = 50;
const TARGET_P50_MS = 5;

if (!chromiumAvailable()) {
  console.log('e2e bench skipped: chromium missing (apt-get install -y chromium)');
  process.exit(0);
}

const now = () => performance.timeOrigin + performance.now();

const demo = await Demo.start({ tickMs: 0 });
const url = await demo.listen(0);
const browser = await launchChromium();
try {
  for (let i = 0; i < LIST; i++) await demo.todos.apply({ type: 'add', text: `todo ${i}` });
  const page = await browser.newPage();
  await page.goto(url.href);
  await page.locator('#connection[data-state="live"]').waitFor();
  const sessionId = await page.getAttribute('#app', 'data-session');

  const sync = await calibrate(page);
  const seen = new Map();
  await page.exposeFunction('__benchSeen', (i, at) => seen.get(i)?.(at));
  // Fires in the microtask right after the patch that makes the page show what is awaited.
  await page.evaluate(() => {
    window.__bench = null;
    new MutationObserver(() => {
      const want = window.__bench;
      if (want && document.querySelector(want.selector)?.getAttribute(want.attribute) === want.value) {
        window.__bench = null;
        window.__benchSeen(want.i, performance.timeOrigin + performance.now());
      }
    }).observe(document.getElementById('app'), { subtree: true, childList: true, characterData: true, attributes: true });
  });

  /** Runs `change` RUNS times (after a warm-up); each run's latency is page time of the patch minus Node time before it. */
  async function measure(change) {
    const latencies = [];
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const { want, act } = change(i);
      const patched = new Promise((resolve) => seen.set(i, resolve));
      await page.evaluate((w) => void (window.__bench = w), { ...want, i });
      const start = now();
      await act();
      const at = await patched;
      seen.delete(i);
      if (i >= WARMUP) latencies.push(at - sync.offset - start);
    }
    return summary(latencies);
  }

  const todo = demo.todos.todos[Math.floor(LIST / 2)].id;
  const results = {
    rename: await measure((i) => ({
      want: { selector: '#name', attribute: 'value', value: `bench ${i}` },
      // As the live event does: the visitor's record written, then their page rendered.
      act: async () => {
        await demo.perform({ kind: 'rename', name: `bench ${i}` }, sessionId);
        await demo.visitors.render(sessionId);
      },
    })),
    toggle: await measure((i) => ({
      want: { selector: `li[data-id="${todo}"]`, attribute: 'class', value: i % 2 === 0 ? 'todo done' : 'todo' },
      act: () => demo.todos.apply({ type: 'toggle', id: todo }),
    })),
  };

  const report = {
    what: 'server render() (or shared-list change) to DOM patched in headless Chromium over a loopback WebSocket, ms',
    date: new Date().toISOString(),
    node: process.version,
    chromium: browser.version(),
    runs: RUNS,
    clockOffsetUncertaintyMs: round(sync.uncertainty),
    targetP50Ms: TARGET_P50_MS,
    scenarios: {
      'rename (one session, 2 small updates)': results.rename,
      [`toggle a todo in a ${LIST}-item shared list (store write + render + patch)`]: results.toggle,
    },
    meetsTarget: results.rename.p50 <= TARGET_P50_MS && results.toggle.p50 <= TARGET_P50_MS,
  };
  writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(report, null, 2) + '\n');
  console.log(`e2e latency (ms), ${RUNS} runs each, clock sync ±${report.clockOffsetUncertaintyMs} ms, target p50 <= ${TARGET_P50_MS} ms`);
  console.table(report.scenarios);
  console.log(report.meetsTarget ? 'target met' : 'TARGET MISSED');
} finally {
  await browser.close();
  await demo.close();
}

/** Page clock minus Node clock, from the round trip with the smallest latency. */
async function calibrate(page) {
  let best = { rtt: Infinity, offset: 0 };
  for (let i = 0; i < 50; i++) {
    const before = now();
    const pageTime = await page.evaluate(() => performance.timeOrigin + performance.now());
    const after = now();
    if (after - before < best.rtt) best = { rtt: after - before, offset: pageTime - (before + after) / 2 };
  }
  return { offset: best.offset, uncertainty: best.rtt / 2 };
}

function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(sorted[sorted.length - 1]), mean: round(values.reduce((s, v) => s + v, 0) / values.length) };
}

function round(ms) {
  return Math.round(ms * 1000) / 1000;
}
