import { readFile } from 'node:fs/promises';

interface StaticFile {
  url: URL;
  type: string;
}

const publicDir = new URL('../public/', import.meta.url);
/** The client's script-tag build sits beside its ESM entry. */
const clientDist = new URL('./', import.meta.resolve('@statetemplate/client'));

const FILES: Record<string, StaticFile> = {
  '/statetemplate.min.js': { url: new URL('statetemplate.min.js', clientDist), type: 'text/javascript; charset=utf-8' },
  '/demo.js': { url: new URL('demo.js', publicDir), type: 'text/javascript; charset=utf-8' },
  '/demo.css': { url: new URL('demo.css', publicDir), type: 'text/css; charset=utf-8' },
  '/favicon.svg': { url: new URL('favicon.svg', publicDir), type: 'image/svg+xml' },
};

/** The file served at `path`, or null when there is none. Read on every request, so edits show on reload. */
export async function staticFile(path: string): Promise<{ body: Buffer; type: string } | null> {
  const file = Object.hasOwn(FILES, path) ? FILES[path] : undefined;
  if (file === undefined) return null;
  return { body: await readFile(file.url), type: file.type };
}
