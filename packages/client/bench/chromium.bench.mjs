// One-item apply in headless Chromium at 1k, 10k and 30k items: toggling one
// todo of a list through the StateTemplate client (`applyUpdate`, a replace of
// the item), against the floor (a hand-written direct replace of that one
// element: getElementById, then outerHTML) and against idiomorph and morphdom
// morphing the whole list from its full html. Each contender has its own copy
// of the list in one page; they take turns sample by sample (order rotated),
// and a sample times a batch of applies long enough for the page's coarse
// clock. Reported: the median per apply, its ratio to the floor, and the
// growth exponent from 1k to 30k items. Run after a build (`pnpm build`, for
// dist/statetemplate.min.js), after bench/client.bench.mjs: the figures go
// into bench/results.json under `chromium`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromiumAvailable, launchChromium } from '@statetemplate/test-utils';

const SIZES = [1000, 10000, 30000];
const SAMPLES = 41;
const WARMUP_SAMPLES = 5;
/** A sample runs applies until this long has passed (the page's clock is coarsened to about 0.1 ms). */
const SAMPLE_MS = 4;
const TARGET_RATIO = 3;
const TARGET_EXPONENT = 1.1;

if (!chromiumAvailable()) {
  console.log('chromium bench skipped: chromium missing (apt-get install -y chromium)');
  process.exit(0);
}

const require = createRequire(import.meta.url);
const scripts = [
  new URL('../dist/statetemplate.min.js', import.meta.url).pathname,
  require.resolve('idiomorph/dist/idiomorph.min.js'),
  require.resolve('morphdom/dist/morphdom-umd.min.js'),
];

/** Runs in the page: builds the four lists of `size` items and measures them in turns. */
function inPage({ size, samples, warmup, sampleMs }) {
  const item = (p, i, done) =>
    `<li id="${p}${i}" class="todo${done ? ' done' : ''}"><input type="checkbox"${done ? ' checked' : ''}> <span>todo ${i}</span></li>`;
  const list = (p, done, marked) => done.map((d, i) => (marked ? `<!--:k${i}-->` : '') + item(p, i, d)).join('');
  const toggle = (done, i) => ((done[i] = !done[i]), done);
  const make = (p, marked) => {
    const ul = document.createElement('ul');
    const done = Array(size).fill(false);
    ul.innerHTML = marked ? `<!--[1-->${list(p, done, true)}<!--]-->` : list(p, done, false);
    document.body.append(ul);
    return { ul, done };
  };
  // Items toggled in turn: spread over the list, the same sequence for every contender.
  const pick = (n) => (n * 7919) % size;
  // `apply(i, html)` toggles item i; the morphers get the list's whole new html from `prepare(i)`, not timed,
  // as a server re-rendering the page would send it.
  const contenders = {
    'direct DOM replace (floor)': (() => {
      const { done } = make('f', false);
      return {
        apply: (i) => {
          done[i] = !done[i];
          document.getElementById(`f${i}`).outerHTML = item('f', i, done[i]);
        },
      };
    })(),
    statetemplate: (() => {
      const { ul, done } = make('s', true);
      return {
        apply: (i) => {
          done[i] = !done[i];
          StateTemplate.applyUpdate(ul, { action: 'replace', fragment_id: `1:k${i}`, html: item('s', i, done[i]), timestamp: 0 });
        },
      };
    })(),
    idiomorph: (() => {
      const { ul, done } = make('i', false);
      return { prepare: (i) => list('i', toggle(done, i), false), apply: (i, html) => Idiomorph.morph(ul, html, { morphStyle: 'innerHTML' }) };
    })(),
    morphdom: (() => {
      const { ul, done } = make('m', false);
      return { prepare: (i) => `<ul>${list('m', toggle(done, i), false)}</ul>`, apply: (i, html) => morphdom(ul, html) };
    })(),
  };
  const names = Object.keys(contenders);
  const perApply = Object.fromEntries(names.map((name) => [name, []]));
  let n = 0;
  for (let s = 0; s < warmup + samples; s++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(s + k) % names.length];
      const { prepare, apply } = contenders[name];
      // A batch of fast applies is timed as a whole; a prepared apply (a millisecond or more) alone.
      const start = performance.now();
      let spent = 0;
      let count = 0;
      while (spent < sampleMs) {
        const i = pick(n++);
        const html = prepare?.(i);
        const before = prepare ? performance.now() : start;
        apply(i, html);
        const after = performance.now();
        spent = prepare ? spent + after - before : after - start;
        count++;
      }
      if (s >= warmup) perApply[name].push((spent * 1000) / count);
    }
  }
  const check = document.querySelectorAll('li').length === 4 * size;
  return { perApply, check };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const round = (value) => Number(value.toPrecision(3));

const browser = await launchChromium();
const medians = {};
try {
  for (const size of SIZES) {
    const page = await browser.newPage();
    await page.setContent('<!doctype html><body></body>');
    for (const path of scripts) await page.addScriptTag({ path });
    const { perApply, check } = await page.evaluate(inPage, { size, samples: SAMPLES, warmup: WARMUP_SAMPLES, sampleMs: SAMPLE_MS });
    if (!check) throw new Error(`the lists at ${size} items lost items`);
    medians[size] = Object.fromEntries(Object.entries(perApply).map(([name, values]) => [name, median(values)]));
    await page.close();
  }
  const version = browser.version();
  const label = (size) => `${size.toLocaleString('en')} items`;
  const floor = 'direct DOM replace (floor)';
  const names = Object.keys(medians[SIZES[0]]);
  const exponent = (name) => Math.log(medians[SIZES.at(-1)][name] / medians[SIZES[0]][name]) / Math.log(SIZES.at(-1) / SIZES[0]);
  const ratioAt10k = medians[10000].statetemplate / medians[10000][floor];
  const chromium = {
    what: `one-item apply (toggle a todo), median µs per apply over ${SAMPLES} interleaved samples of ${SAMPLE_MS} ms`,
    chromium: version,
    perApplyUs: Object.fromEntries(SIZES.map((size) => [label(size), Object.fromEntries(names.map((n) => [n, round(medians[size][n])]))])),
    ratioToFloor: Object.fromEntries(
      SIZES.map((size) => [label(size), Object.fromEntries(names.filter((n) => n !== floor).map((n) => [n, round(medians[size][n] / medians[size][floor])]))]),
    ),
    growthExponent1kTo30k: Object.fromEntries(names.map((n) => [n, round(exponent(n))])),
    targets: {
      [`statetemplate at 10k items <= ${TARGET_RATIO}x the floor`]: ratioAt10k <= TARGET_RATIO,
      [`statetemplate growth exponent 1k to 30k <= ${TARGET_EXPONENT}`]: exponent('statetemplate') <= TARGET_EXPONENT,
    },
  };
  console.log(`@statetemplate/client in Chromium ${version}: ${chromium.what}`);
  console.table(chromium.perApplyUs);
  console.table(chromium.ratioToFloor);
  console.table(chromium.growthExponent1kTo30k);
  console.table(chromium.targets);
  const file = new URL('./results.json', import.meta.url);
  const results = JSON.parse(readFileSync(file, 'utf8'));
  writeFileSync(file, `${JSON.stringify({ ...results, chromium }, null, 2)}\n`);
} finally {
  await browser.close();
}
