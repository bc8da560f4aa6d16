// Builds dist/statetemplate.min.js, the client for a plain <script>, from tsc's
// output: esbuild bundles it into one IIFE, terser minifies it. Run by `build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { minify } from 'terser';

const OUT = 'dist/statetemplate.min.js';

/**
 * Properties of the client's own objects (spans, locate targets, markers,
 * hook instances, timers, uploads, the methods of connect()'s helpers), renamed
 * short in the bundle. esbuild renames every use of a listed name, object
 * keys included, so none may be a name that a DOM or JavaScript API, a
 * message (its fields, or its type: the validation table's keys), an update
 * or a public option uses in the bundle. Check that before adding one.
 */
const INTERNAL = [
  'parent', 'after', 'before', 'span', 'region', 'marker', 'kind', 'scope',
  'restore', 'field', 'server', 'hook', 'context', 'handlers',
  'timer', 'fire', 'run', 'blurred', 'file', 'input', 'inflight', 'queue', 'classless', 'sent', 'count',
  'around', 'dispatch', 'settle', 'dropped', 'moveTo', 'failed', 'closed',
];

await build({
  entryPoints: ['dist/script.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2022',
  outfile: OUT,
  logLevel: 'warning',
  mangleProps: new RegExp(`^(${INTERNAL.join('|')})$`),
});

const { code } = await minify(readFileSync(OUT, 'utf8'), {
  ecma: 2022,
  // Function expressions become arrows (none is a constructor or reads `this`); reading a property has no side effect;
  // statements left apart rather than joined by commas gzip a little better.
  compress: { passes: 3, toplevel: true, unsafe_arrows: true, pure_getters: true, sequences: false },
  mangle: { toplevel: true },
});
writeFileSync(OUT, code);
