// What the figures were measured on, and with which versions.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { workspacePackages } from './workspace.mjs';

/** Version of a dependency of this package (read from disk: liveviewjs does not export its package.json). */
const dependencyVersion = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8')).version;

export function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export function versions() {
  const own = Object.fromEntries(workspacePackages().map((p) => [p.name, p.version]));
  return { ...own, liveviewjs: dependencyVersion('liveviewjs'), mustache: dependencyVersion('mustache') };
}
