// The results each package's own benchmark wrote, and the client's size.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { rootPath, workspacePackages } from './workspace.mjs';

/**
 * Every workspace package with a `bench` script and what its
 * bench/results.json holds. `status`: ok; stale (older than `since`, so this
 * run's benchmark failed or did not write it); missing; unreadable.
 */
export function packageResults(since) {
  return workspacePackages()
    .filter((p) => p.scripts.bench !== undefined)
    .map((p) => {
      const file = `${p.dir}/bench/results.json`;
      const entry = { name: p.name, file, script: `cd ${p.dir} && ${p.scripts.bench}`, command: `npx -y pnpm@10 --filter ${p.name} bench` };
      if (!existsSync(rootPath(file))) return { ...entry, status: 'missing' };
      const stale = since !== undefined && statSync(rootPath(file)).mtimeMs < since;
      try {
        return { ...entry, status: stale ? 'stale' : 'ok', results: JSON.parse(readFileSync(rootPath(file), 'utf8')) };
      } catch {
        return { ...entry, status: 'unreadable' };
      }
    });
}

const CLIENT_BUNDLE = 'packages/client/dist/statetemplate.min.js';
const CLIENT_LIMIT = 8.5 * 1024;

/** The browser bundle as a plain <script> tag loads it: minified size, and gzip -9 of it. */
export function clientBundle() {
  if (!existsSync(rootPath(CLIENT_BUNDLE))) return { file: CLIENT_BUNDLE, status: 'missing' };
  const code = readFileSync(rootPath(CLIENT_BUNDLE));
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  return { file: CLIENT_BUNDLE, status: 'ok', minBytes: code.length, gzipBytes, limitBytes: CLIENT_LIMIT, met: gzipBytes <= CLIENT_LIMIT };
}

/** Every number under a key that matches `pattern`: its key, path and value. */
function figures(value, pattern, path = []) {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = [...path, key];
    return typeof inner === 'number' && pattern.test(key) ? [{ key, path: at, value: inner }] : figures(inner, pattern, at);
  });
}

const MICROS = { ms: 1000, milliseconds: 1000, us: 1, µs: 1, microseconds: 1 };
const UNIT_AT_END = /\b(ms|µs|us|milliseconds|microseconds)\s*$/;

/**
 * End-to-end latency p50s in µs from apps/demo's results, whatever their
 * exact shape: the numbers under keys starting with "p50", in the unit the
 * key ends with (…Ms, …Us), else the file's `unit`, else the unit its
 * `what` ends with. Each is labelled with the key above it.
 */
export function e2eLatency(packages) {
  const demo = packages.find((p) => p.name === '@statetemplate/demo');
  if (!demo) return { status: 'missing', reason: 'apps/demo has no bench script' };
  if (!demo.results) return { status: 'missing', reason: `no results from apps/demo's benchmark (${demo.file} ${demo.status})` };
  const found = figures(demo.results, /^p50/i);
  if (found.length === 0) return { status: 'missing', reason: `no p50 figure in ${demo.file}` };
  const { unit, what } = demo.results;
  const fileUnit = MICROS[unit] ?? MICROS[typeof what === 'string' ? what.match(UNIT_AT_END)?.[1] : undefined];
  const scale = (key) => (/ms$/i.test(key) ? 1000 : /(us|µs)$/i.test(key) ? 1 : fileUnit);
  if (found.some((f) => scale(f.key) === undefined)) return { status: 'missing', reason: `${demo.file} does not state the unit of its p50 figures` };
  const p50s = found.map((f) => ({ label: f.path.at(-2) ?? f.key, p50Us: f.value * scale(f.key) }));
  return { status: 'ok', p50s, stale: demo.status === 'stale' };
}
