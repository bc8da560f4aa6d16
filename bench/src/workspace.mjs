// Where things are in the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const rootPath = (...parts) => join(ROOT, ...parts);

/** Every workspace package under packages/ and apps/: name, version, folder (relative) and scripts. */
export function workspacePackages() {
  return ['packages', 'apps'].flatMap((group) =>
    readdirSync(rootPath(group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(rootPath(group, entry.name, 'package.json')))
      .map((entry) => {
        const dir = `${group}/${entry.name}`;
        const { name, version, scripts = {} } = JSON.parse(readFileSync(rootPath(dir, 'package.json'), 'utf8'));
        return { name, version, dir, scripts };
      }),
  );
}
