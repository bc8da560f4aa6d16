// Sizes (minified + gzipped) of the patcher alone (its budget is ~2 KB) and of the
// whole client as shipped in dist/statetemplate.min.js (the budget is 8.5 KB), and
// latency of updates on a 1000-item list in jsdom: p50/p99 over ITERATIONS.
// Run after a build (`pnpm build`); writes bench/results.json beside this file.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { JSDOM } from 'jsdom';
import { applyUpdate } from '../dist/index.js';

const WARMUP = 50;
const ITERATIONS = 300;
const ITEMS = 1000;
const BUDGET = 8.5 * 1024;

const sizeOf = (code) => ({ minBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length });

/** Bundles and minifies the patcher (dist/patch.js) with the rolldown that vitest's vite brings along. */
async function patcherSize() {
  const at = (from, name) => createRequire(from).resolve(name);
  const rolldown = at(at(at(import.meta.url, 'vitest/package.json'), 'vite/package.json'), 'rolldown');
  const { build } = await import(rolldown);
  const out = await build({
    input: new URL('../dist/patch.js', import.meta.url).pathname,
    write: false,
    logLevel: 'silent',
    output: { format: 'esm', minify: true },
  });
  return sizeOf(out.output[0].code);
}

/** The file a plain <script> tag loads: patcher, connect(), transports and bindings. */
function bundleSize() {
  return sizeOf(readFileSync(new URL('../dist/statetemplate.min.js', import.meta.url), 'utf8'));
}

function measure(fn) {
  for (let i = 0; i < WARMUP; i++) fn(i);
  const samples = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    fn(WARMUP + i);
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  samples.sort();
  const at = (q) => Math.round(samples[Math.min(ITERATIONS - 1, Math.floor(q * ITERATIONS))] * 10) / 10;
  return { p50Us: at(0.5), p99Us: at(0.99) };
}

const row = (i) => `<tr><td>${i}</td><td><!--[2-->v${i}<!--]--></td></tr>`;
const items = Array.from({ length: ITEMS }, (_, i) => `<!--:k${i}-->${row(i)}`).join('');
const { document } = new JSDOM(`<table><tbody id="root"><!--[1-->${items}<!--]--></tbody></table>`).window;
const root = document.getElementById('root');
const u = (action, fragment_id, html = '', ref) => ({ action, fragment_id, html, timestamp: 0, ref });
const mid = `1:k${ITEMS / 2}`;

const cases = {
  // Ids are found in the patcher's marker index; an item's end is its next item marker.
  'replace a cell region in the middle item': (i) => applyUpdate(root, u('replace', `${mid}/2`, `v${i}`)),
  'replace the middle item': (i) => applyUpdate(root, u('replace', mid, row(i))),
  'move_first the last item': () => applyUpdate(root, u('move_first', `1:${root.lastChild.previousSibling.previousSibling.data.slice(1)}`)),
  'move_after: first item after the middle one': () =>
    applyUpdate(root, u('move_after', `1:${root.firstChild.nextSibling.data.slice(1)}`, '', mid)),
  'append then remove an item': (i) => {
    applyUpdate(root, u('append', `1:n${i}`, row(i)));
    applyUpdate(root, u('remove', `1:n${i}`));
  },
};

const results = { size: await patcherSize(), bundle: bundleSize() };
for (const [name, fn] of Object.entries(cases)) results[name] = measure(fn);

console.log(`@statetemplate/client, node ${process.version}, jsdom, ${ITEMS}-item list, ${ITERATIONS} iterations after ${WARMUP} warmup`);
console.log(`patcher size: ${results.size.minBytes} B minified, ${results.size.gzipBytes} B min+gzip`);
console.log(`whole client (dist/statetemplate.min.js): ${results.bundle.minBytes} B minified, ${results.bundle.gzipBytes} B min+gzip (budget ${BUDGET} B)`);
console.table(Object.fromEntries(Object.entries(results).filter(([name]) => name !== 'size' && name !== 'bundle')));
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify({ node: process.version, items: ITEMS, iterations: ITERATIONS, warmup: WARMUP, unit: 'microseconds', results }, null, 2)}\n`,
);
if (results.bundle.gzipBytes > BUDGET) {
  console.error(`the client is over its ${BUDGET} B budget`);
  process.exitCode = 1;
}
