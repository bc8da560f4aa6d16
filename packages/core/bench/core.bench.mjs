// Core benchmark: StateTemplate next to a bare Mustache.render of the same page, in one run.
// Run: npx -y pnpm@10 --filter @statetemplate/core bench   (writes bench/results.json)
import { writeFileSync } from 'node:fs';
import Mustache from 'mustache';
import { compile, stripAnnotations } from '../dist/index.js';
import { cpuPerCall, fmt, sample } from './measure.mjs';
import { TODO_TEMPLATE, todoData } from './todo-page.mjs';

const template = compile(TODO_TEMPLATE);
const bare = (data) => () => Mustache.render(TODO_TEMPLATE, data);

function initial(count, runs) {
  const data = todoData(count);
  const html = template.render(data).html;
  const plain = stripAnnotations(html);
  const annotatedCpu = cpuPerCall(() => template.render(data), { runs });
  const mustacheCpu = cpuPerCall(bare(data), { runs });
  return { annotatedCpuUs: annotatedCpu, mustacheCpuUs: mustacheCpu, ratio: annotatedCpu / mustacheCpu, annotationOverhead: (html.length - plain.length) / plain.length };
}

function toggle(count, runs) {
  const data = todoData(count);
  const { state } = template.render(data);
  let bytes = 0;
  const flip = (i) => {
    const todo = data.todos[(i * 7919) % count];
    todo.done = !todo.done;
    bytes = JSON.stringify(template.update(state, data)).length;
  };
  const updateCpu = cpuPerCall(flip, { runs });
  const latency = sample(flip, { runs });
  const mustacheCpu = cpuPerCall(bare(data), { runs: Math.max(20, runs / 4) });
  return { updateCpuUs: updateCpu, updateP50Us: latency.p50, updateP99Us: latency.p99, mustacheCpuUs: mustacheCpu, ratio: updateCpu / mustacheCpu, bytes };
}

console.log('core: initial render, 25 and 1,000 items …');
const results = { 'initial-25': initial(25, 3000), 'initial-1000': initial(1000, 300) };
console.log('core: toggle one item in 1,000 and 10,000 items …');
results['toggle-1000'] = toggle(1000, 2000);
results['toggle-10000'] = toggle(10000, 200);
results['toggle-10000'].scaleVs1000 = results['toggle-10000'].updateCpuUs / results['toggle-1000'].updateCpuUs;

console.log('\n@statetemplate/core vs Mustache.render (same page, same run; CPU time per call)');
for (const [name, r] of Object.entries(results)) {
  const parts = Object.entries(r).map(([k, v]) => `${k}=${k.endsWith('Us') ? fmt(v) : Number.isInteger(v) ? v : v.toFixed(3)}`);
  console.log(`  ${name.padEnd(13)} ${parts.join('  ')}`);
}
const targets = [
  ['initial render <= 1.5x Mustache.render (1,000 items)', results['initial-1000'].ratio <= 1.5],
  ['toggle in 1,000 items <= 0.25x Mustache.render', results['toggle-1000'].ratio <= 0.25],
  ['toggle in 10,000 items <= 10x the 1,000-item cost', results['toggle-10000'].scaleVs1000 <= 10],
  ['toggle update JSON <= 150 bytes', results['toggle-1000'].bytes <= 150],
  ['annotation overhead <= 20% of the plain HTML', results['initial-1000'].annotationOverhead <= 0.2],
];
for (const [label, ok] of targets) console.log(`  ${ok ? 'met   ' : 'MISSED'} ${label}`);
const report = { command: 'node packages/core/bench/core.bench.mjs', node: process.version, date: new Date().toISOString(), results, targets: Object.fromEntries(targets) };
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify(report, null, 2) + '\n');
