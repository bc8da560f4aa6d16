// MemorySessionStore benchmarks. Run: node --expose-gc bench/store-memory.bench.mjs
import { writeFileSync } from 'node:fs';
import { MemorySessionStore } from '@statetemplate/store-memory';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(1);
}

/** Data shaped like a todo session of `count` items: diff state, the page as text, a replay log. */
function sessionData(count) {
  const items = Array.from({ length: count }, (_, i) => ({ id: i, text: `task number ${i}`, done: i % 3 === 0 }));
  const log = Array.from({ length: 16 }, (_, i) => ({ fragment_id: `2:${i}`, html: `<li class="done">task number ${i}</li>`, action: 'replace', timestamp: 1e12, seq: i + 1 }));
  const state = { t: 'abc123', r: { v: ['Todo', count], c: [{ k: items.map((x) => String(x.id)), i: items.map((x) => ({ v: [x.done, x.text] })) }] } };
  return { state, page: JSON.stringify({ title: 'Todo', items }), seq: 16, log };
}

/** The next version as a session builds it: one item's state replaced, a log entry added, the rest shared. */
function nextVersion(data, n) {
  const list = data.state.r.c[0];
  const at = n % list.i.length;
  const i = list.i.slice();
  i[at] = { v: [n % 2 === 0, `task number ${at}`] };
  const r = { v: data.state.r.v, c: [{ k: list.k, i }] };
  const log = data.log.slice(1).concat({ fragment_id: `2:${at}`, html: '<li>x</li>', action: 'replace', timestamp: 1e12, seq: data.seq + 1 });
  return { ...data, state: { t: data.state.t, r }, seq: data.seq + 1, log };
}

function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function perCallAsync(n, fn) {
  for (let i = 0; i < n / 10; i++) await fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - t) / 1000 / n;
}

const results = {};
const rows = [];
function report(name, value, unit) {
  results[name] = { value: Number(value.toFixed(2)), unit };
  rows.push([name, `${value.toFixed(2)} ${unit}`]);
}

// A render's round trip: get, then update with a version that shares all but one item with it.
for (const count of [25, 1_000]) {
  const store = new MemorySessionStore();
  const expiresAt = Date.now() + 3_600_000;
  const data = sessionData(count);
  let created = 0;
  report(`create, ${count} items (checks every part)`, await perCallAsync(2_000, () => store.create({ id: `c${created++}`, version: 1, createdAt: 0, expiresAt, data })), 'µs');
  await store.create({ id: 's', version: 1, createdAt: 0, expiresAt, data });
  report(`get, ${count} items`, await perCallAsync(5_000, () => store.get('s')), 'µs');
  report(`get + update of one item, ${count} items (a render's round trip)`, await perCallAsync(5_000, async (n) => {
    const record = await store.get('s');
    await store.update({ ...record, data: nextVersion(record.data, n) });
  }), 'µs');
  await store.close();
}

// Heap a stored record holds: the store shares the caller's objects instead of a copy.
{
  const store = new MemorySessionStore();
  const expiresAt = Date.now() + 3_600_000;
  const before = heap();
  for (let i = 0; i < 10_000; i++) await store.create({ id: `h${i}`, version: 1, createdAt: 0, expiresAt, data: sessionData(25) });
  report('heap per stored 25-item record', (heap() - before) / 10_000, 'bytes');
  await store.close();
}

// Expiry index at 100,000 sessions: touches and finding the expired few.
{
  const store = new MemorySessionStore();
  const now = Date.now();
  for (let i = 0; i < 100_000; i++) await store.create({ id: `s${i}`, version: 1, createdAt: now, expiresAt: now + 60_000 + i, data: null });
  report('touch at 100,000 sessions', await perCallAsync(20_000, (i) => store.touch(`s${(i * 7919) % 100_000}`, now + 120_000 + i)), 'µs');
  for (let i = 0; i < 100; i++) await store.touch(`s${i * 997}`, now - 1);
  report('getExpired of 100 among 100,000', await perCallAsync(2_000, () => store.getExpired(now)), 'µs');
  await store.close();
}

const width = Math.max(...rows.map((r) => r[0].length));
for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
writeFileSync(new URL('./results.json', import.meta.url), JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n');
