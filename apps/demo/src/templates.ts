import { readFileSync } from 'node:fs';

/** apps/demo/templates, beside both src/ (tests) and dist/ (the built server). */
const folder = new URL('../templates/', import.meta.url);

function read(name: string): string {
  return readFileSync(new URL(`${name}.mustache`, folder), 'utf8');
}

/** The Mustache sources: the page shell, the live app and its partials. */
export interface Templates {
  page: string;
  app: string;
  partials: Record<string, string>;
}

export function loadTemplates(): Templates {
  return { page: read('page'), app: read('app'), partials: { todo: read('todo') } };
}
