import type { Rng } from './rng.js';

/** Literal template text, valid HTML where it is written. */
export const LITERAL_TEXT = ['Hello', 'Tom &amp; Jerry', 'a &lt; b', 'Total:', 'café', '—', '42', "it's", 'x&quot;y'];
/** Literal text inside a double-quoted attribute value. */
export const LITERAL_ATTR = ['btn', 'primary', 'a &amp; b', "it's", 'x-1'];
/** Comments a user writes in the template (never shaped like our markers). */
export const USER_COMMENTS = ['<!-- note -->', '<!-- TODO: style this -->', '<!---->', '<!-- a:b [c] -->'];

/** Values shown by `{{x}}`: HTML specials, empties, numbers, booleans, null and undefined. */
const TEXT_VALUES: readonly unknown[] = [
  'Alice',
  '',
  ' ',
  '<b>not bold</b>',
  'a & b',
  '"quoted"',
  "it's",
  '<script>alert(1)</script>',
  '5 < 6 > 4',
  'é ü 中',
  '{{x}}',
  '-->',
  'line1\nline2',
  '\nleading newline',
  0,
  42,
  -3.5,
  true,
  false,
  null,
  undefined,
];

/** Safe phrasing HTML for `{{{x}}}`. */
const HTML_VALUES = [
  '',
  'plain',
  '<b>bold</b>',
  '<em>a &amp; b</em>',
  '<span class="hl">x</span>',
  'a &lt; b',
  "<i>it's</i><br>",
  '<code>&lt;tag&gt;</code>',
];

const FLAG_VALUES: readonly (readonly [number, unknown])[] = [
  [8, true],
  [8, false],
  [1, 0],
  [1, 1],
  [1, ''],
  [1, 'yes'],
  [1, null],
  [1, undefined],
];

export function textValue(rng: Rng): unknown {
  return rng.pick(TEXT_VALUES);
}

export function htmlValue(rng: Rng): string {
  return rng.pick(HTML_VALUES);
}

export function flagValue(rng: Rng): unknown {
  return rng.weighted(FLAG_VALUES);
}

/**
 * List item ids, unique across one case's data so a key names exactly one
 * data item. Mostly numbers; some strings that need encoding in markers.
 */
export class Ids {
  private count = 0;

  constructor(private readonly rng: Rng) {}

  next(): number | string {
    this.count += 1;
    return this.rng.weighted<() => number | string>([
      [6, () => this.count],
      [2, () => `k${this.count}`],
      [1, () => `a-${this.count}.x`],
      [1, () => `é ${this.count}/:`],
    ])();
  }
}
