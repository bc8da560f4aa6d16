// The generated parts of docs/benchmarks.md, from the results object that
// compare.mjs writes to bench/results.json.
import { bytes, micros, number, resultTables, table, verdict } from './markdown.mjs';
import { WIRES } from './compression.mjs';
import { TARGET_COLUMNS } from './targets.mjs';

const NAMES = { core: 'StateTemplate core', session: 'StateTemplate session', full: 'Full HTML', liveviewjs: 'LiveViewJS' };
const IDS = Object.keys(NAMES);

function machine({ date, seconds, runSeconds, machine: m, versions }) {
  const ours = Object.entries(versions)
    .filter(([name]) => ['@statetemplate/core', '@statetemplate/session'].includes(name))
    .map(([name, v]) => `${name} ${v}`);
  return [
    `Run of ${date.slice(0, 16).replace('T', ' ')} UTC (comparison ${Math.round(seconds)} s${runSeconds === undefined ? '' : `, whole \`pnpm bench\` ${Math.round(runSeconds)} s`}): ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average ${m.loadAverage.join(' / ')} at the start.`,
    `Versions: ${[...ours, `liveviewjs ${versions.liveviewjs}`, `mustache ${versions.mustache}`].join(', ')}; all of them in \`bench/results.json\`.`,
  ].join('\n');
}

function scenarios(list) {
  const cpu = table(
    ['scenario', ...IDS.map((id) => NAMES[id]), 'full ÷ core', 'LiveViewJS ÷ core'],
    list.map(({ title, contenders: c }) => [title, ...IDS.map((id) => micros(c[id].cpuUs)), `${number(c.full.cpuUs / c.core.cpuUs)}×`, `${number(c.liveviewjs.cpuUs / c.core.cpuUs)}×`]),
  );
  const wall = table(
    ['scenario', ...IDS.map((id) => NAMES[id])],
    list.map(({ title, contenders: c }) => [title, ...IDS.map((id) => `${micros(c[id].p50Us)} / ${micros(c[id].p99Us)}`)]),
  );
  const wire = table(
    ['scenario', 'page', ...IDS.map((id) => NAMES[id]), 'LiveViewJS ÷ core', 'LiveViewJS ÷ session'],
    list.map(({ title, pageBytes, contenders: c }) => [
      title,
      bytes(pageBytes),
      ...IDS.map((id) => bytes(c[id].bytes)),
      `${number(c.liveviewjs.bytes / c.core.bytes)}×`,
      `${number(c.liveviewjs.bytes / c.session.bytes)}×`,
    ]),
  );
  const wires = IDS.flatMap((id) => Object.entries(WIRES[id] ?? {}).map(([key, wire]) => ({ id, key, label: wire.label })));
  const compressed = table(
    ['scenario', ...wires.map(({ id, key }) => `${NAMES[id]}${key === 'compressedBytes' ? '' : ', context kept'}`), 'session ÷ full', 'session ÷ LiveViewJS'],
    list.map(({ title, contenders: c }) => [
      title,
      ...wires.map(({ id, key }) => `${bytes(c[id].bytes)} → ${bytes(c[id][key])}`),
      `${number(c.session.compressedBytes / c.full.compressedBytes)}×`,
      `${number(c.session.compressedBytes / c.liveviewjs.compressedBytes)}×`,
    ]),
  );
  const wireNotes = wires.map(({ id, key, label }) => `${NAMES[id]}${key === 'compressedBytes' ? '' : ', context kept'}: ${label}.`).join(' ');
  const counter = list.find((s) => s.id === 'counter')?.contenders;
  const counterLine = counter
    ? `Counter, payload alone (the run's last update): LiveViewJS's diff ${bytes(counter.liveviewjs.payloadBytes)}, StateTemplate's \`Update[]\` ${bytes(counter.core.payloadBytes)} (${number(counter.core.payloadBytes / counter.liveviewjs.payloadBytes)}×), its compact wire form ${bytes(counter.session.payloadBytes)} (${number(counter.session.payloadBytes / counter.liveviewjs.payloadBytes)}×). Whole messages: LiveViewJS ${bytes(counter.liveviewjs.bytes)}, StateTemplate session ${bytes(counter.session.bytes)}.`
    : '';
  return [
    '**CPU time per update** (process CPU over the batches ÷ updates; the ratios use these):',
    cpu,
    '**Wall time per update, p50 / p99** (per-update samples; p99 shows the machine as much as the code):',
    wall,
    '**Bytes on the wire per update** (median message; page = the first page\'s HTML):',
    wire,
    counterLine,
    `**Compressed bytes per update**, raw → compressed (median; each contender's messages in the order sent, flushed per message; the ratios compare the defaults). ${wireNotes}`,
    compressed,
  ].join('\n\n');
}

const LIMIT_LABEL = { cpuVsFull: 'CPU ÷ full HTML (≤ 0.25)', cpuVsLiveViewJS: 'CPU ÷ LiveViewJS (≤ 0.1)', bytesVsLiveViewJS: 'bytes ÷ LiveViewJS (≤ 0.1)', maxBytes: 'largest update (≤ 150 B)' };

function targets(list) {
  const all = list.flatMap((s) => s.checks);
  const met = all.filter((c) => c.met).length;
  const perContender = ['core', 'session'].map((id) => {
    const rows = list.map((s) => [
      s.title,
      ...TARGET_COLUMNS.map((target) => {
        const check = s.checks.find((c) => c.contender === id && c.target === target);
        if (!check) return '–';
        return `${target === 'maxBytes' ? bytes(check.value) : number(check.value)} ${verdict(check.met)}`;
      }),
    ]);
    return `**${NAMES[id]}**\n\n${table(['scenario', ...TARGET_COLUMNS.map((t) => LIMIT_LABEL[t])], rows)}`;
  });
  return [`${met} of ${all.length} checks met.`, ...perContender].join('\n\n');
}

const millions = (count) => `≈ ${Number((count / 1e6).toPrecision(2))} million`;

function statetemplate({ create, heap, client, e2e }) {
  const rows = [
    ['session creation with token (todo-25), p50 / p99 wall', `${micros(create.p50Us)} / ${micros(create.p99Us)}`, `p50 ≤ 150 µs: ${verdict(create.p50Us <= 150)}`],
    ['session creation, CPU per session', micros(create.cpuUs), ''],
    [`retained heap per idle session, todo-25 (${heap.sessions.toLocaleString('en')} sessions)`, bytes(heap.todo25.heapPerSessionBytes), `≤ 15 KB: ${verdict(heap.todo25.heapPerSessionBytes <= 15 * 1024)}`],
    [`retained heap per idle session, counter (${heap.sessions.toLocaleString('en')} sessions)`, bytes(heap.counter.heapPerSessionBytes), ''],
    [`sessions that fit under the V8 heap limit (${number(heap.heapLimitBytes / 2 ** 20)} MiB), todo-25`, millions(heap.todo25.capacity), 'estimate'],
    [`sessions that fit under the V8 heap limit, counter`, millions(heap.counter.capacity), 'estimate'],
    client.status === 'ok'
      ? [`client bundle \`${client.file.split('/').pop()}\`, min / min+gzip`, `${bytes(client.minBytes)} / ${bytes(client.gzipBytes)}`, `≤ 8.5 KB: ${verdict(client.met)}`]
      : ['client bundle', `not built (${client.file} missing)`, ''],
    ...(e2e.status === 'ok'
      ? e2e.p50s.map(({ label, p50Us }) => [`end-to-end latency in Chromium, p50: ${label}${e2e.stale ? ' (an earlier run)' : ''}`, micros(p50Us), `≤ 5 ms: ${verdict(p50Us <= 5000)}`])
      : [['end-to-end latency in Chromium, render() to patched DOM', `not measured: ${e2e.reason}`, 'p50 ≤ 5 ms']]),
  ];
  return table(['figure', 'value', 'target'], rows);
}

const HUGE_NAMES = { core: 'core', immutable: 'core, `immutable: true`', floor: 'floor', floorRefs: 'floor, same items skipped' };

const IMMUTABLE_STATUS = {
  honoured: 'core takes `immutable` (an item changed in place under its old reference is skipped)',
  ignored: "core ignores `immutable` so far (an item changed in place under its old reference is still seen): that column is core's default path with the option passed",
  rejected: 'core rejects `immutable` (compile throws): n/a',
};

/** Issue 14's section: CPU per update against the floor, growth from 1,000 to 100,000 items, state bytes, targets. */
export function hugeListsSection({ command, date, seconds, machine: m, immutable, plans, changes, state, streams = [], checks }) {
  const ids = Object.keys(HUGE_NAMES);
  const per = (f) => (f ? `${micros(f.bestUs)} / ${micros(f.medianUs)}` : 'n/a');
  const ratio = (a, b) => (a && b ? `${number(a.bestUs / b.bestUs)}×` : 'n/a');
  const cpu = table(
    ['change', 'items', ...ids.map((id) => HUGE_NAMES[id]), 'core ÷ floor', 'immutable ÷ floor (skipped)', 'bytes, core / floor'],
    changes.flatMap(({ title, bySize }) =>
      bySize.map(({ size, contenders: c }) => [title, size.toLocaleString('en'), ...ids.map((id) => per(c[id])), ratio(c.core, c.floor), ratio(c.immutable, c.floorRefs), `${bytes(c.core.bytes)} / ${bytes(c.floor.bytes)}`]),
    ),
  );
  const growth = table(['change', ...ids.map((id) => HUGE_NAMES[id])], changes.map(({ title, exponents }) => [title, ...ids.map((id) => (id in exponents ? number(exponents[id]) : 'n/a'))]));
  const sessions = table(
    ['items', 'page, annotated', 'page, plain', 'state (JSON)', 'state ÷ annotated page', 'state per item'],
    state.map((s) => [s.size.toLocaleString('en'), bytes(s.htmlBytes), bytes(s.plainBytes), bytes(s.stateBytes), `${number(s.stateBytes / s.htmlBytes)}×`, bytes(Math.round(s.stateBytes / s.size))]),
  );
  const streamRows = table(
    ['items on the page', 'stream append, best / median', 'frame', 'state (JSON)'],
    streams.map((s) => [s.size.toLocaleString('en'), `${micros(s.bestUs)} / ${micros(s.medianUs)}`, bytes(s.bytes), bytes(s.stateBytes)]),
  );
  const goals = table(
    ['target', 'value', ''],
    checks.map((c) => [c.label, c.value === null ? 'n/a' : c.target === 'stateBytes' ? bytes(c.value) : number(c.value), c.met === null ? 'n/a' : verdict(c.met)]),
  );
  const rounds = plans.map((p) => `${p.size.toLocaleString('en')} items ${p.rounds} × ${p.batch}`).join(', ');
  return [
    `Command: \`${command}\`; run of ${date.slice(0, 16).replace('T', ' ')} UTC, ${Math.round(seconds)} s, load average ${m.loadAverage.join(' / ')} at the start. ${IMMUTABLE_STATUS[immutable]}.`,
    `**CPU time per update**, best / median of the rounds (rounds × updates per round: ${rounds}); the ratios use the best rounds:`,
    cpu,
    '**Growth exponent** from 1,000 to 100,000 items, log(t₁₀₀ₖ ÷ t₁ₖ) ÷ log 100 of the best rounds (1 is linear):',
    growth,
    "**Session state**: `JSON.stringify(state).length` of core's first render (default options), next to the page it describes:",
    sessions,
    ...(streams.length > 0
      ? ["**Stream append**: the same list as a stream (core's `streams`), whose state holds no item: an append renders the new item alone and frames it, with the page's list size as its `limit`:", streamRows]
      : []),
    `**Targets** (issue 14): ${checks.filter((c) => c.met).length} of ${checks.length} met.`,
    goals,
  ].join('\n\n');
}

const STATUS = {
  ok: '',
  stale: '_Not rewritten by this run (its benchmark failed or was skipped): the figures below are from an earlier run._',
  missing: '_No results: its benchmark did not write bench/results.json (it failed, or does not exist yet)._',
  unreadable: '_bench/results.json is not valid JSON._',
};

function packages(list) {
  return list
    .map((p) => {
      const ran = p.results?.command ? `\`${p.results.command}\` (through \`${p.command}\`)` : `\`${p.command}\` (runs \`${p.script}\`)`;
      return [`### ${p.name}`, `Command: ${ran}; results in \`${p.file}\`.`, STATUS[p.status], p.results ? resultTables(p.results) : ''].filter(Boolean).join('\n\n');
    })
    .join('\n\n');
}

/** Section name → generated markdown. */
export function sections(results) {
  return {
    machine: machine(results),
    scenarios: scenarios(results.scenarios),
    targets: targets(results.scenarios),
    statetemplate: statetemplate(results.statetemplate),
    packages: packages(results.packages),
    'huge-lists': hugeListsSection(results.hugeLists),
  };
}
