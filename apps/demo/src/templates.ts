import { fileURLToPath } from 'node:url';
import { loadTemplates, type TemplateFiles } from '@statetemplate/core/files';

/**
 * apps/demo/templates, beside both src/ (tests) and dist/ (the built server):
 * `layout` (the HTML document), `page` (the layout around the live part, plain
 * Mustache), `app` (the live part) and `partials/todo`.
 */
export function demoTemplates(): Promise<TemplateFiles> {
  return loadTemplates(fileURLToPath(new URL('../templates/', import.meta.url)));
}
