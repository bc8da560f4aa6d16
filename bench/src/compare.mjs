// StateTemplate side by side with full HTML and LiveViewJS, plus its own
// per-session figures, huge lists against the floor and the packages' results: writes bench/results.json,
// the tables in docs/benchmarks.md and docs/benchmarks.svg.
// Run: node src/compare.mjs [--since=<ms epoch>]   (the root `pnpm bench` runs the package benches first)
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chart } from './chart.mjs';
import { machine, versions } from './machine.mjs';
import { bytes, micros, replaceSection } from './markdown.mjs';
import { clientBundle, e2eLatency, packageResults } from './package-results.mjs';
import { sections } from './report.mjs';
import { runScenario } from './run-scenario.mjs';
import { SCENARIOS } from './scenarios.mjs';
import { checks } from './targets.mjs';
import { rootPath } from './workspace.mjs';

/** Runs node with `args`, its progress (stderr) shown live; resolves to its stdout. */
function childOutput(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} exited with ${code}`))));
  });
}

const started = Date.now();
const tty = process.stdout.isTTY;
const since = process.argv.find((a) => a.startsWith('--since='))?.slice('--since='.length);
const log = (line) => console.log(`[compare] ${line}`);
const env = machine();

log(`${env.cpuModel}, ${env.cores} cores, Node ${env.node}, load ${env.loadAverage.join(' / ')}`);
const scenarios = [];
for (const [i, scenario] of SCENARIOS.entries()) {
  const t = Date.now();
  const figures = await runScenario(scenario, (done, of) => tty && process.stdout.write(`\r[compare] ${i + 1}/${SCENARIOS.length} ${scenario.title}: round ${done}/${of}`));
  const { core, session, full, liveviewjs } = figures.contenders;
  process.stdout.write(
    `${tty ? '\r' : ''}[compare] ${i + 1}/${SCENARIOS.length} ${scenario.title} (${((Date.now() - t) / 1000).toFixed(1)} s): CPU core ${micros(core.cpuUs)}, session ${micros(session.cpuUs)}, full ${micros(full.cpuUs)}, LiveViewJS ${micros(liveviewjs.cpuUs)}; bytes ${bytes(core.bytes)} / ${bytes(session.bytes)} / ${bytes(full.bytes)} / ${bytes(liveviewjs.bytes)}\n`,
  );
  const { id, title, list, oneItem } = scenario;
  scenarios.push({ id, title, short: scenario.short, list, oneItem, ...figures, checks: checks(scenario, figures.contenders) });
}

log('StateTemplate sessions, in a child process (node --expose-gc) …');
const heap = JSON.parse(await childOutput(['--expose-gc', fileURLToPath(new URL('./session-heap.mjs', import.meta.url))]));
const { create, ...retained } = heap;

log('huge lists (issue 14): core and the floor at 1,000 to 100,000 items, in a child process …');
const hugeLists = JSON.parse(await childOutput([fileURLToPath(new URL('./huge-lists.mjs', import.meta.url))]));

const packages = packageResults(since === undefined ? undefined : Number(since));
const seconds = (from) => Math.round((Date.now() - from) / 100) / 10;
const results = {
  command: 'npx -y pnpm@10 bench',
  date: new Date(started).toISOString(),
  seconds: seconds(started),
  ...(since === undefined ? {} : { runSeconds: seconds(Number(since)) }),
  machine: env,
  versions: versions(),
  method: {
    cpu: 'process.cpuUsage() (user + system, all threads) over interleaved batches, divided by updates; includes encoding the message',
    wall: 'process.hrtime per update: p50 and p99',
    bytes: 'UTF-8 length of the message each contender sends per update (median; maxBytes the largest)',
    compressedBytes: 'the same messages in order through the compression of each contender\'s transport (bench/src/compression.mjs), one zlib context per connection, flushed per message (median)',
  },
  scenarios,
  statetemplate: { create, heap: retained, client: clientBundle(), e2e: e2eLatency(packages) },
  hugeLists,
  packages: packages.map(({ results: _, ...p }) => p),
};
writeFileSync(rootPath('bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
const docPath = rootPath('docs/benchmarks.md');
let doc = readFileSync(docPath, 'utf8');
for (const [name, content] of Object.entries(sections({ ...results, packages }))) doc = replaceSection(doc, name, content);
writeFileSync(docPath, doc);
writeFileSync(rootPath('docs/benchmarks.svg'), chart(scenarios));

const all = scenarios.flatMap((s) => s.checks);
for (const c of all.filter((check) => !check.met)) log(`MISSED ${c.contender} ${scenarios.find((s) => s.checks.includes(c)).id}: ${c.label} (${c.value})`);
log(`${all.filter((c) => c.met).length} of ${all.length} target checks met; wrote bench/results.json, docs/benchmarks.md, docs/benchmarks.svg in ${results.seconds} s`);
