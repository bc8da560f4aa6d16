import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * True under `.ci/run`, where every resource a test needs is installed:
 * there a missing resource is a failure, not a skip.
 */
export const strict = process.env.STATETEMPLATE_STRICT === '1';

/**
 * Decides whether tests that need a resource run. When it is missing, prints
 * why and returns false (the caller skips), or throws under strict mode.
 */
export function requireResource(name: string, available: boolean, reason: string): boolean {
  if (available) return true;
  const message = `[statetemplate] ${name} unavailable: ${reason}`;
  if (strict) throw new Error(`${message} (STATETEMPLATE_STRICT=1 turns this skip into a failure)`);
  console.warn(`${message}; skipping the tests that need it`);
  return false;
}

/** The monorepo root: the nearest folder upward holding pnpm-workspace.yaml. */
export function repoRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
  return dir;
}

/** `../shared` beside the repository, or null on a clone that lacks it. */
export function sharedDir(): string | null {
  const dir = join(repoRoot(), '..', 'shared');
  return existsSync(dir) ? dir : null;
}
