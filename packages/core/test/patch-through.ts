import { applyUpdates } from '@statetemplate/client';
import { expect } from 'vitest';
import { compile, stripAnnotations, type CompileOptions, type Update } from '../src/index.js';
import { canonicalHtml, loadPage, markedHtml } from './property/dom.js';

/**
 * Renders the first data, then applies each next one's updates with the
 * real client; after every step the page must equal a fresh plain page.
 * Returns the updates of each step.
 */
export function patchThrough(template: string, steps: unknown[], options?: CompileOptions, wholeDocument = false): { updates: number; steps: Update[][] } {
  const tpl = compile(template, options);
  const [first, ...rest] = steps;
  const { html, state } = tpl.render(first);
  expect(stripAnnotations(html)).toBe(tpl.renderPlain(first));
  const page = loadPage(html, wholeDocument);
  const sent: Update[][] = [];
  for (const data of rest) {
    const step = tpl.update(state, data);
    sent.push(step);
    applyUpdates(page, step);
    expect(canonicalHtml(page.cloneNode(true) as Element)).toBe(markedHtml(loadPage(tpl.renderPlain(data), wholeDocument)));
    // The state rebuilds the page the user sees.
    expect(stripAnnotations(tpl.renderState(state))).toBe(tpl.renderPlain(data));
  }
  return { updates: sent.reduce((n, s) => n + s.length, 0), steps: sent };
}
