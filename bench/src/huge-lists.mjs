// Huge lists (issue 14): core's update on the todo page at 1,000, 10,000 and
// 100,000 items next to the floor (packages/core/bench/floor.mjs), the least
// work any differ must do there, and core's session state per page; and the
// same list as a stream (core's `streams`), which the state does not hold:
// an append renders the new item alone.
//
// Every change is made with structural sharing (a new array; a new object for
// the changed item only, the others shared), as core's `immutable` option
// takes data; the same snapshots go to every contender. They are made before
// each batch, untimed; CPU time covers the updates alone. Each round every
// contender runs one batch, each first in turn, then goes back to the first
// page through one untimed update.
//
// Run: node src/huge-lists.mjs [--write]
// Prints the results as JSON on stdout (progress on stderr); with --write it
// puts them into bench/results.json (`hugeLists`) and docs/benchmarks.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { compile, stripAnnotations } from '@statetemplate/core';
import { encodeUpdates, stringifyServerMessage } from '@statetemplate/protocol';
import { startFloor } from '../../packages/core/bench/floor.mjs';
import { core } from './contenders.mjs';
import { machine } from './machine.mjs';
import { replaceSection } from './markdown.mjs';
import { todo } from './pages.mjs';
import { below, seeded, words } from './random.mjs';
import { hugeListsSection } from './report.mjs';
import { PageMismatchError } from './run-scenario.mjs';
import { todos } from './scenarios.mjs';
import { ascending, cpuSince, quantile, round } from './stats.mjs';
import { rootPath } from './workspace.mjs';

const CHANGE_SEED = 14;
const IMMUTABLE = { immutable: true };
const STATE_LIMIT = 1_000_000;

/** Fewer, shorter rounds as the list grows, so that 100,000 items stay within seconds. */
const SIZES = [
  { size: 1_000, warmup: 3, rounds: 30, batch: 50 },
  { size: 10_000, warmup: 2, rounds: 20, batch: 10 },
  { size: 100_000, warmup: 1, rounds: 10, batch: 3 },
];

const CHANGES = [
  {
    id: 'toggle',
    title: 'toggle one',
    change: (d, rng) => {
      const i = below(rng, d.todos.length);
      return { ...d, todos: d.todos.with(i, { ...d.todos[i], done: !d.todos[i].done }) };
    },
  },
  {
    id: 'append',
    title: 'append one',
    change: (d, rng) => ({ ...d, nextId: d.nextId + 1, todos: [...d.todos, { id: d.nextId, text: `${words(rng, 2)} ${d.nextId}`, done: false }] }),
  },
  { id: 'remove', title: 'remove one', change: (d, rng) => ({ ...d, todos: d.todos.toSpliced(below(rng, d.todos.length), 1) }) },
];

/**
 * How core takes `immutable`: 'rejected' (compile throws), 'ignored' (an item
 * changed in place under its old reference is still seen) or 'honoured'.
 */
function immutableSupport() {
  let template;
  try {
    template = compile('{{#l}}{{x}}{{/l}}', IMMUTABLE);
  } catch {
    return 'rejected';
  }
  const item = { id: 1, x: 'a' };
  const { state } = template.render({ l: [item] });
  item.x = 'b';
  return template.update(state, { l: [item] }).length === 0 ? 'honoured' : 'ignored';
}

const immutable = immutableSupport();

/** Each `start(data)` renders the first page and returns `{ html (plain), update(data) → the message as JSON }`. */
const CONTENDERS = [
  { id: 'core', start: (data) => core.start(todo, data) },
  ...(immutable === 'rejected' ? [] : [{ id: 'immutable', start: (data) => core.start({ ...todo, options: IMMUTABLE }, data) }]),
  { id: 'floor', start: (data) => startFloor(data) },
  { id: 'floorRefs', start: (data) => startFloor(data, { skipSameItems: true }) },
];

/** CPU µs per update of every contender on one change, best and median of the rounds, and the bytes of its last update. */
function measure(lanes, first, { change }, { warmup, rounds, batch }) {
  const rng = seeded(CHANGE_SEED);
  for (const lane of lanes) lane.rounds = [];
  for (let r = -warmup; r < rounds; r++) {
    const snapshots = [];
    for (let d = first, k = 0; k < batch; k++) snapshots.push((d = change(d, rng)));
    for (let k = 0; k < lanes.length; k++) {
      const lane = lanes[(r + warmup + k) % lanes.length];
      const start = process.cpuUsage();
      let frame;
      for (const data of snapshots) frame = lane.run.update(data);
      const cpu = cpuSince(start);
      if (r >= 0) lane.rounds.push(cpu / batch);
      lane.bytes = Buffer.byteLength(frame);
      lane.run.update(first);
    }
  }
  return Object.fromEntries(
    lanes.map(({ id, rounds: times, bytes }) => {
      const sorted = ascending(times);
      return [id, { bestUs: round(sorted[0]), medianUs: round(quantile(sorted, 0.5)), bytes }];
    }),
  );
}

/**
 * Stream append: the todo list as a stream, one new item per update, as a
 * session sends it (core's item render and the wire frame, trimming to the
 * list's size on the page); and the state of the page, which holds no item.
 */
function streamAppend(first, { warmup, rounds, batch }) {
  const template = compile(todo.template, { streams: ['todos'] });
  const { state } = template.render(first);
  const stream = template.stream('todos');
  const rng = seeded(CHANGE_SEED);
  const times = [];
  let frame = '';
  for (let r = -warmup, id = first.nextId; r < rounds; r++) {
    const items = Array.from({ length: batch }, () => ({ id: id++, text: `${words(rng, 2)} ${id}`, done: false }));
    const start = process.cpuUsage();
    for (const item of items) {
      const update = { ...stream.renderItem(item), action: 'append', timestamp: 0, stream: 2, limit: first.todos.length };
      frame = stringifyServerMessage({ type: 'updates', seq: id, batch: encodeUpdates([update]) });
    }
    const cpu = cpuSince(start);
    if (r >= 0) times.push(cpu / batch);
  }
  const sorted = ascending(times);
  return { size: first.todos.length, bestUs: round(sorted[0]), medianUs: round(quantile(sorted, 0.5)), bytes: Buffer.byteLength(frame), stateBytes: JSON.stringify(state).length };
}

/** core's render at `size` items: its state as JSON and the page, annotated and plain. */
function stateBytes(first, size) {
  const { html, state } = compile(todo.template).render(first);
  return { size, stateBytes: JSON.stringify(state).length, htmlBytes: html.length, plainBytes: stripAnnotations(html).length };
}

const exponent = (at1k, at100k) => round(Math.log(at100k / at1k) / Math.log(100));

function checks(changes, state, streams) {
  const figure = (change, size, id) => change.bySize.find((s) => s.size === size).contenders[id]?.bestUs;
  const check = (target, label, value, limit) => ({
    target,
    label,
    value: value === undefined ? null : Number.isInteger(value) ? value : round(value),
    limit,
    met: value === undefined ? null : value <= limit,
  });
  return [
    ...changes.flatMap((c) => [1_000, 10_000].map((size) => check('coreVsFloor', `core ≤ 4× floor, ${c.id} at ${size.toLocaleString('en')}`, figure(c, size, 'core') / figure(c, size, 'floor'), 4))),
    ...changes.map((c) => check('exponent', `core's growth exponent 1,000 → 100,000 ≤ 1.05, ${c.id}`, c.exponents.core, 1.05)),
    check(
      'immutableVsFloor',
      'immutable, toggle at 1,000 ≤ 2× the reference-skipping floor',
      immutable === 'rejected' ? undefined : figure(changes[0], 1_000, 'immutable') / figure(changes[0], 1_000, 'floorRefs'),
      2,
    ),
    check('stateBytes', 'session state of 100,000 items ≤ 1 MB', state.at(-1).stateBytes, STATE_LIMIT),
    check('streamGrowth', "stream append's growth exponent 1,000 → 100,000 ≤ 0.2 (O(1) in the list)", exponent(streams[0].bestUs, streams.at(-1).bestUs), 0.2),
    check('streamState', 'stream state of 100,000 items ≤ the state of 1,000', streams.at(-1).stateBytes - streams[0].stateBytes, 0),
  ];
}

function hugeLists() {
  const started = Date.now();
  const env = machine();
  const changes = CHANGES.map(({ id, title }) => ({ id, title, bySize: [] }));
  const state = [];
  const streams = [];
  for (const plan of SIZES) {
    const first = todos(plan.size);
    const lanes = CONTENDERS.map(({ id, start }) => ({ id, run: start(first) }));
    const odd = lanes.find((lane) => lane.run.html !== lanes[0].run.html);
    if (odd) throw new PageMismatchError(`huge list of ${plan.size}: ${odd.id} renders another page than ${lanes[0].id}`);
    state.push(stateBytes(first, plan.size));
    streams.push(streamAppend(first, plan));
    process.stderr.write(`  ${plan.size.toLocaleString('en')} items, stream append: ${streams.at(-1).bestUs} µs\n`);
    for (const [i, change] of CHANGES.entries()) {
      const t = Date.now();
      const contenders = measure(lanes, first, change, plan);
      changes[i].bySize.push({ size: plan.size, contenders });
      const us = Object.entries(contenders).map(([id, f]) => `${id} ${f.bestUs} µs`);
      process.stderr.write(`  ${plan.size.toLocaleString('en')} items, ${change.title} (${((Date.now() - t) / 1000).toFixed(1)} s): ${us.join(', ')}\n`);
    }
  }
  for (const change of changes) {
    const [at1k, , at100k] = change.bySize.map((s) => s.contenders);
    change.exponents = Object.fromEntries(Object.keys(at1k).map((id) => [id, exponent(at1k[id].bestUs, at100k[id].bestUs)]));
  }
  return {
    date: new Date(started).toISOString(),
    seconds: round((Date.now() - started) / 1000),
    machine: env,
    immutable,
    plans: SIZES,
    changes,
    state,
    streams,
    checks: checks(changes, state, streams),
  };
}

const write = process.argv.includes('--write');
const results = { command: write ? 'npx -y pnpm@10 --filter @statetemplate/bench huge-lists' : 'npx -y pnpm@10 bench', ...hugeLists() };
for (const c of results.checks.filter((check) => check.met === false)) process.stderr.write(`  MISSED ${c.label} (${c.value})\n`);
if (write) {
  const all = JSON.parse(readFileSync(rootPath('bench/results.json'), 'utf8'));
  writeFileSync(rootPath('bench/results.json'), `${JSON.stringify({ ...all, hugeLists: results }, null, 2)}\n`);
  const docPath = rootPath('docs/benchmarks.md');
  writeFileSync(docPath, replaceSection(readFileSync(docPath, 'utf8'), 'huge-lists', hugeListsSection(results)));
} else console.log(JSON.stringify(results));
