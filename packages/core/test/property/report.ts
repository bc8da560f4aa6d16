import { show } from './changes.js';

/** Everything needed to replay and read one failing step. */
export interface FailureContext {
  baseSeed: number;
  suite: string;
  caseIndex: number;
  caseSeed: number;
  style: string;
  template: string;
  partials: Record<string, string>;
  step: number;
  before?: unknown;
  after?: unknown;
  changes?: string[];
  updates?: unknown;
}

/** A property violation, carrying a report that says how to replay it. */
export class PropertyFailure extends Error {
  constructor(
    readonly check: string,
    readonly detail: string,
    context: FailureContext,
  ) {
    super(formatFailure(check, detail, context));
    this.name = 'PropertyFailure';
  }
}

function formatFailure(check: string, detail: string, c: FailureContext): string {
  const lines = [
    `${check} (suite "${c.suite}", case ${c.caseIndex}, step ${c.step}, style ${c.style})`,
    `replay: STATETEMPLATE_SEED=${c.baseSeed} npx vitest run test/property.test.ts   (case seed ${c.caseSeed})`,
    '--- template ---',
    c.template,
  ];
  for (const [name, body] of Object.entries(c.partials)) lines.push(`--- partial ${name} ---`, body);
  if (c.before !== undefined) lines.push('--- data before ---', show(c.before));
  if (c.changes !== undefined) lines.push('--- changes ---', ...c.changes);
  if (c.after !== undefined) lines.push('--- data after ---', show(c.after));
  if (c.updates !== undefined) lines.push('--- updates ---', JSON.stringify(c.updates, null, 1));
  lines.push('--- detail ---', detail);
  return lines.join('\n');
}

/** Expected and actual side by side, from their first difference. */
export function mismatch(expected: string, actual: string): string {
  let at = 0;
  while (at < expected.length && expected[at] === actual[at]) at++;
  const from = Math.max(0, at - 60);
  return [
    `first difference at offset ${at}`,
    `expected: ${JSON.stringify(expected.slice(from, at + 120))}`,
    `actual:   ${JSON.stringify(actual.slice(from, at + 120))}`,
    `expected (full): ${expected}`,
    `actual (full):   ${actual}`,
  ].join('\n');
}
