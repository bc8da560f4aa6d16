import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * True under `.ci/run`, where every resource a test needs is installed:
 * there a missing resource is a failure, not a skip.
 */
export const strict = process.env.STATETEMPLATE_STRICT === '1';

/** Something tests need that a machine may lack: a binary, a service, `../shared`. */
export interface Resource {
  readonly name: string;
  readonly available: boolean;
  /** Why it is missing and how to get it; undefined when available. */
  readonly missing: string | undefined;
}

declare module 'vitest' {
  interface TaskMeta {
    /** Set on the tests of a suite skipped by `needs()`: what is missing, for the run's summary. */
    missing?: string;
  }
}

/**
 * Checks a resource once per test file. When it is missing, prints why, or
 * throws under strict mode, so the file fails instead of skipping.
 */
export function requireResource(name: string, available: boolean, reason: string): Resource {
  if (available) return { name, available, missing: undefined };
  const missing = `${name} unavailable: ${reason}`;
  if (strict) throw new Error(`[statetemplate] ${missing} (STATETEMPLATE_STRICT=1 turns this skip into a failure)`);
  console.warn(`[statetemplate] ${missing}; skipping the tests that need it`);
  return { name, available, missing };
}

/**
 * Options for a `describe` whose tests need `resources`: `describe(name,
 * needs(redis), fn)`. When one is missing the suite's tests are still
 * registered, as skipped, and each carries the reason, so the run's summary
 * says what is missing and how many tests it hides.
 */
export function needs(...resources: readonly Resource[]): { skip: boolean; meta: { missing?: string } } {
  const missing = resources.flatMap((r) => (r.missing === undefined ? [] : [r.missing]));
  return missing.length === 0 ? { skip: false, meta: {} } : { skip: true, meta: { missing: missing.join('; ') } };
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
