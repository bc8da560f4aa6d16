// MemorySessionStore benchmarks, and the measurement behind keeping data as JSON text.
// Run: node --expose-gc bench/store-memory.bench.mjs
import { writeFileSync } from 'node:fs';
import { MemorySessionStore } from '@statetemplate/store-memory';

if (typeof globalThis.gc !== 'function') {
  console.error('run with node --expose-gc');
  process.exit(1);
}

// A record shaped like a 25-item todo session: diff state, last data, a short replay log.
const items = Array.from({ length: 25 }, (_, i) => ({ id: i, text: `task number ${i}`, done: i % 3 === 0 }));
const log = Array.from({ length: 16 }, (_, i) => ({ fragment_id: `2:${i}`, html: `<li class="done">task number ${i}</li>`, action: 'replace', timestamp: 1e12, seq: i + 1 }));
const data = { state: { t: 'abc123', r: { v: ['Todo', 25], c: [{ k: items.map((x) => String(x.id)), i: items.map((x) => ({ v: [x.done, x.text] })) }] } }, data: { title: 'Todo', items }, seq: 16, log };

function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

function perCall(n, fn) {
  for (let i = 0; i < n / 10; i++) fn(i);
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t) / 1000 / n;
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

// Copy on the way out: parsing stored JSON text against structuredClone of a stored object.
const json = JSON.stringify(data);
report('copy out: JSON.parse of stored text', perCall(5_000, () => JSON.parse(json)), 'µs');
report('copy out: structuredClone of stored object', perCall(5_000, () => structuredClone(data)), 'µs');
report('copy in: JSON.stringify', perCall(5_000, () => JSON.stringify(data)), 'µs');
report('copy in: structuredClone', perCall(5_000, () => structuredClone(data)), 'µs');
{
  const before = heap();
  const texts = Array.from({ length: 10_000 }, (_, i) => JSON.stringify({ ...data, seq: i }));
  const asText = (heap() - before) / 10_000;
  texts.length = 0;
  const base = heap();
  const objects = Array.from({ length: 10_000 }, () => structuredClone(data));
  const asObject = (heap() - base) / objects.length;
  report('held as JSON text, per record', asText, 'bytes');
  report('held as object graph, per record', asObject, 'bytes');
}

// Store operations.
{
  const store = new MemorySessionStore();
  const expiresAt = Date.now() + 3_600_000;
  await store.create({ id: 's', version: 1, createdAt: 0, expiresAt, data });
  report('get', await perCallAsync(5_000, () => store.get('s')), 'µs');
  let record = await store.get('s');
  report('get + update (a render\'s round trip)', await perCallAsync(5_000, async () => {
    record = await store.update({ ...(await store.get('s')), expiresAt: record.expiresAt + 1 });
  }), 'µs');
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
