// Core benchmark: StateTemplate next to a bare Mustache.render of the same page.
// Run: pnpm --filter @statetemplate/core bench (writes bench/results.json).
import { writeFileSync } from 'node:fs';
import Mustache from 'mustache';
import { compile, stripAnnotations } from '../dist/index.js';
import { fmt, sample } from './measure.mjs';
import { TODO_TEMPLATE, todoData } from './todo-page.mjs';

const template = compile(TODO_TEMPLATE);
const results = {};

function toggleBench(count, runs) {
  const data = todoData(count);
  const { state } = template.render(data);
  let bytes = 0;
  const update = sample((i) => {
    const todo = data.todos[(i * 7919) % count];
    todo.done = !todo.done;
    bytes = JSON.stringify(template.update(state, data)).length;
  }, { warmup: Math.min(runs, 50), runs });
  const full = sample(() => Mustache.render(TODO_TEMPLATE, data), { warmup: Math.min(runs, 20), runs });
  return { update, full, bytes };
}

for (const count of [25, 1000]) {
  const data = todoData(count);
  const annotated = sample(() => template.render(data), { runs: count > 100 ? 300 : 3000 });
  const bare = sample(() => Mustache.render(TODO_TEMPLATE, data), { runs: count > 100 ? 300 : 3000 });
  const html = template.render(data).html;
  const plain = stripAnnotations(html);
  results[`initial-${count}`] = {
    annotatedP50us: annotated.p50,
    mustacheP50us: bare.p50,
    ratio: annotated.p50 / bare.p50,
    annotationOverhead: (html.length - plain.length) / plain.length,
  };
}

const toggle1k = toggleBench(1000, 500);
const toggle10k = toggleBench(10000, 100);
results['toggle-1000'] = {
  updateP50us: toggle1k.update.p50,
  updateP99us: toggle1k.update.p99,
  mustacheP50us: toggle1k.full.p50,
  ratio: toggle1k.update.p50 / toggle1k.full.p50,
  bytes: toggle1k.bytes,
};
results['toggle-10000'] = {
  updateP50us: toggle10k.update.p50,
  updateP99us: toggle10k.update.p99,
  mustacheP50us: toggle10k.full.p50,
  scaleVs1000: toggle10k.update.p50 / toggle1k.update.p50,
  bytes: toggle10k.bytes,
};

console.log('\n@statetemplate/core vs Mustache.render (same page, same run)');
for (const [name, r] of Object.entries(results)) {
  const parts = Object.entries(r).map(([k, v]) => `${k}=${k.endsWith('us') ? fmt(v) : typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : v}`);
  console.log(`  ${name.padEnd(14)} ${parts.join('  ')}`);
}
const targets = [
  ['initial render <= 1.5x Mustache.render (1000 items)', results['initial-1000'].ratio <= 1.5],
  ['toggle in 1000 items <= 0.25x Mustache.render', results['toggle-1000'].ratio <= 0.25],
  ['toggle in 10000 items <= 10x the 1000-item cost', results['toggle-10000'].scaleVs1000 <= 10],
  ['toggle update JSON <= 150 bytes', results['toggle-1000'].bytes <= 150],
  ['annotation overhead <= 20%', results['initial-1000'].annotationOverhead <= 0.2],
];
for (const [label, ok] of targets) console.log(`  ${ok ? 'met ' : 'MISS'} ${label}`);
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n');
