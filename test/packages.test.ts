import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Every publishable package checked as it would be published: packed by
 * pnpm (whose prepack rebuilds dist from scratch, and which rewrites
 * `workspace:` ranges), linted by publint and by attw, then installed from
 * the tarball and loaded with both `import` and `require`.
 */

const run = promisify(execFile);
const root = dirname(import.meta.dirname);

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
}

interface Packed {
  dir: string;
  manifest: Manifest;
  tarball: string;
  /** Paths inside the tarball, without the leading `package/`. */
  files: string[];
}

const folders = await readdir(join(root, 'packages'));
const manifests = await Promise.all(folders.map(async (folder) => ({ folder, manifest: JSON.parse(await readFile(join(root, 'packages', folder, 'package.json'), 'utf8')) as Manifest })));
const publishable = manifests.filter(({ manifest }) => manifest.private !== true);

/** pnpm as the test command runs it (`npm_execpath`), or through npx when a test runs on its own. */
function pnpm(args: string[], cwd: string) {
  const execPath = process.env.npm_execpath;
  const [command, ...prefix] = execPath !== undefined && basename(execPath).startsWith('pnpm') ? [process.execPath, execPath] : ['npx', '-y', 'pnpm@10'];
  return run(command!, [...prefix, ...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
}

/** Exported files that are not modules to import, so have no types: the client's bundle for a `<script>` tag. */
const ASSETS: Record<string, string[]> = { '@statetemplate/client': ['./statetemplate.min.js'] };

let work: string;
/** A node_modules holding every package installed from its tarball. */
let install: string;
const packed = new Map<string, Packed>();

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'statetemplate-pack-'));
  install = join(work, 'install');
  // One at a time: each prepack rebuilds through turbo.
  for (const { folder, manifest } of publishable) {
    const dir = join(root, 'packages', folder);
    const { stdout } = await pnpm(['pack', '--json', '--pack-destination', work], dir);
    const tarball = (JSON.parse(stdout.slice(stdout.indexOf('{'))) as { filename: string }).filename;
    const listing = await run('tar', ['-tzf', tarball]);
    const files = listing.stdout.split('\n').filter(Boolean).map((line) => line.replace(/^package\//, ''));
    const target = join(install, 'node_modules', manifest.name);
    await mkdir(target, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    const published = JSON.parse(await readFile(join(target, 'package.json'), 'utf8')) as Manifest;
    packed.set(manifest.name, { dir, manifest: published, tarball, files });
  }
  // Dependencies from the registry come from the workspace's own install: the check needs no network.
  for (const { dir, manifest } of packed.values()) {
    for (const dependency of Object.keys(manifest.dependencies ?? {})) {
      if (packed.has(dependency)) continue;
      const link = join(install, 'node_modules', dependency);
      await mkdir(dirname(link), { recursive: true });
      await symlink(await realpath(join(dir, 'node_modules', dependency)), link).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
    }
  }
}, 600_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

function get(name: string): Packed {
  const result = packed.get(name);
  if (result === undefined) throw new Error(`${name} was not packed`);
  return result;
}

describe.each(publishable.map(({ manifest }) => manifest.name))('%s as published', (name) => {
  it('has no publint message, strict', async () => {
    const data = await readFile(get(name).tarball);
    const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, strict: true });
    expect(messages.map((message) => formatMessage(message, pkg))).toEqual([]);
  });

  it('has no problem that attw finds', async () => {
    // ESM only: `require()` loads it on Node >= 20.19 (checked below), which attw's CommonJS rule does not know.
    const assets = ASSETS[name] ?? [];
    const args = [get(name).tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--no-color', '--no-emoji', ...(assets.length > 0 ? ['--exclude-entrypoints', ...assets] : [])];
    const result = await run('npx', ['attw', ...args], { cwd: root }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('No problems found');
  });

  it('depends on released versions, not on workspace: ranges', () => {
    expect(Object.values(get(name).manifest.dependencies ?? {}).filter((range) => range.startsWith('workspace:'))).toEqual([]);
  });

  it('loads with import and with require from its tarball, with the same exports', async () => {
    const script = `
      const esm = Object.keys(await import(${JSON.stringify(name)})).sort();
      const cjs = Object.keys(require(${JSON.stringify(name)})).filter((key) => key !== '__esModule' && key !== 'module.exports').sort();
      console.log(JSON.stringify({ esm, cjs }));`;
    const { stdout } = await run(process.execPath, ['--input-type=commonjs', '-e', `(async () => { ${script} })()`], { cwd: install });
    const { esm, cjs } = JSON.parse(stdout) as { esm: string[]; cjs: string[] };
    expect(esm.length).toBeGreaterThan(0);
    expect(cjs).toEqual(esm);
  });

  it('ships the sources its maps point to', async () => {
    const { files } = get(name);
    const target = join(install, 'node_modules', name);
    const missing: string[] = [];
    for (const map of files.filter((file) => file.endsWith('.map'))) {
      const { sources } = JSON.parse(await readFile(join(target, map), 'utf8')) as { sources: string[] };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), source));
        if (!files.includes(path)) missing.push(`${map} -> ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('publishes no @internal declaration', async () => {
    const { files } = get(name);
    const target = join(install, 'node_modules', name);
    const leaked: string[] = [];
    for (const types of files.filter((file) => file.endsWith('.d.ts'))) {
      if ((await readFile(join(target, types), 'utf8')).includes('@internal')) leaked.push(types);
    }
    expect(leaked).toEqual([]);
  });
});
