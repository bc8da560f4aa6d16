// Latency of session ids and tokens: p50/p99 over ITERATIONS calls after a warmup.
// Run after a build (`tsc -b`); writes bench/results.json beside this file.
import { writeFileSync } from 'node:fs';
import { CompactEncrypt } from 'jose';
import { newSessionId, TokenManager } from '../dist/index.js';

const WARMUP = 1000;
const ITERATIONS = 5000;

async function measure(fn) {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples = new Float64Array(ITERATIONS);
  for (let i = 0; i < ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  samples.sort();
  const at = (q) => Math.round(samples[Math.min(ITERATIONS - 1, Math.floor(q * ITERATIONS))] * 10) / 10;
  return { p50Us: at(0.5), p99Us: at(0.99) };
}

const manager = new TokenManager({ keys: 'base64url:' + Buffer.alloc(32, 7).toString('base64url') });
const sessionId = newSessionId();
const token = await manager.generateToken(sessionId, { client: 'bench-client' });
// The same encryption through jose's WebCrypto path, to show what sealing with node:crypto saves.
const joseKey = await crypto.subtle.importKey('raw', new Uint8Array(32), 'AES-GCM', false, ['encrypt']);
const payload = new TextEncoder().encode(JSON.stringify(await manager.validateToken(token)));

const cases = {
  newSessionId: () => newSessionId(),
  generateToken: () => manager.generateToken(sessionId, { client: 'bench-client' }),
  validateToken: () => manager.validateToken(token),
  validateAccess: () => manager.validateAccess(sessionId, token, { client: 'bench-client' }),
  'newSessionId+generateToken': () => manager.generateToken(newSessionId()),
  'jose CompactEncrypt (reference)': () =>
    new CompactEncrypt(payload).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: 'default' }).encrypt(joseKey),
};

const results = {};
for (const [name, fn] of Object.entries(cases)) results[name] = await measure(fn);

console.log(`@statetemplate/security, node ${process.version}, ${ITERATIONS} iterations after ${WARMUP} warmup`);
console.table(results);
writeFileSync(
  new URL('./results.json', import.meta.url),
  `${JSON.stringify({ node: process.version, iterations: ITERATIONS, warmup: WARMUP, unit: 'microseconds', results }, null, 2)}\n`,
);
