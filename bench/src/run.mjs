// The root `pnpm bench`: every package's benchmark (through turbo, which
// builds first and streams their output), then the side-by-side comparison,
// which also renders the packages' results into docs/benchmarks.md. A failed
// package benchmark does not stop the rest; it makes the exit code non-zero.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROOT, rootPath } from './workspace.mjs';

const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

console.log('[bench] 1/2 package benchmarks (turbo run bench) …');
const packagesCode = await run(rootPath('node_modules/.bin/turbo'), ['run', 'bench', '--concurrency=1', '--continue']);
console.log(`[bench] package benchmarks done at ${elapsed()}${packagesCode === 0 ? '' : ' (some failed, see above; going on)'}`);

console.log('[bench] 2/2 StateTemplate side by side with full HTML and LiveViewJS …');
const compareCode = await run(process.execPath, [fileURLToPath(new URL('./compare.mjs', import.meta.url)), `--since=${started}`]);
console.log(`[bench] done in ${elapsed()}`);
process.exitCode = compareCode || packagesCode;
