// StateTemplate's per-session costs, in a process of their own so that the
// heap holds nothing else: session creation (token included), retained heap
// per idle session, and how many sessions fit under the V8 heap limit.
// Run: node --expose-gc src/session-heap.mjs  (prints one JSON line on stdout)
import v8 from 'node:v8';
import { StateTemplate } from '@statetemplate/session';
import { SCENARIOS } from './scenarios.mjs';
import { seeded } from './random.mjs';
import { ascending, cpuSince, quantile, round } from './stats.mjs';

const KEY = 'bench signing key, thirty-two bytes or more';
const SESSIONS = 10_000;

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const page = (id) => {
  const scenario = SCENARIOS.find((s) => s.id === id);
  return { template: scenario.page.template, data: scenario.data(seeded(1)) };
};

async function creation({ template, data }, runs) {
  const st = new StateTemplate(template, { signingKey: KEY });
  for (let i = 0; i < runs / 4; i++) await st.newSession(data);
  const wall = [];
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    await st.newSession(data);
    wall.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  const cpuUs = cpuSince(start) / runs;
  await st.close();
  const sorted = ascending(wall);
  return { p50Us: round(quantile(sorted, 0.5)), p99Us: round(quantile(sorted, 0.99)), cpuUs: round(cpuUs) };
}

/** Heap after GC with `SESSIONS` idle sessions, less the heap before, per session; each session has its own title. */
async function retained({ template, data }) {
  const st = new StateTemplate(template, { signingKey: KEY });
  await st.newSession(data);
  const before = heapUsed();
  for (let i = 0; i < SESSIONS; i++) await st.newSession({ ...data, title: `List ${i}` });
  const bytes = (heapUsed() - before) / SESSIONS;
  await st.close();
  return bytes;
}

const limit = v8.getHeapStatistics().heap_size_limit;
const baseline = heapUsed();
const capacity = (perSession) => Math.floor((limit - baseline) / perSession);

process.stderr.write('  session creation (todo-25, token included) …\n');
const create = await creation(page('todo-25-toggle'), 2000);
process.stderr.write(`  heap of ${SESSIONS.toLocaleString('en')} idle sessions (todo-25, then counter) …\n`);
const todoBytes = await retained(page('todo-25-toggle'));
const counterBytes = await retained(page('counter'));

console.log(
  JSON.stringify({
    create,
    sessions: SESSIONS,
    heapLimitBytes: limit,
    baselineHeapBytes: baseline,
    todo25: { heapPerSessionBytes: Math.round(todoBytes), capacity: capacity(todoBytes) },
    counter: { heapPerSessionBytes: Math.round(counterBytes), capacity: capacity(counterBytes) },
  }),
);
