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

/**
 * Raw values no page author should write but any data may hold: unbalanced
 * and stray tags, unfinished markup, markup whose meaning depends on where it
 * lands, marker-shaped comments, CR/LF and character-reference edges,
 * foreign content, and elements that change how what follows parses.
 */
export const HOSTILE_HTML = [
  'Some <code>',
  '<b>',
  '</b>after',
  '<b><i>x</b></i>',
  '<a href="#">a<a href="#">b</a>',
  '<div>',
  '</div>',
  '</span>',
  '</p>',
  '<p>b</p>',
  '<li>x',
  '<td>cell</td>',
  '<noscript><b>x</b></noscript>',
  '<noscript><p>',
  '</noscript>y',
  '<tr><td>1</td></tr>',
  '<table><tr><td>1</td></tr></table>',
  '<option>o',
  '<select><option>a</select>',
  '<h1>title',
  '<',
  '</',
  '<!',
  '<!--',
  '<!-- c -->',
  '-->',
  '<!--[2-->',
  '<!--]-->',
  '<!--:7-->',
  '<!--!]-->',
  '<!--[1-->x<!--]-->',
  '<img src="x" title="',
  "<i title='",
  '<br/>',
  'a\r',
  '\r',
  '\nx',
  'x\r\n',
  '\r\n',
  '&amp',
  '&',
  '&#',
  'amp;',
  '&lt',
  '<svg><circle r="1"/></svg>',
  '<svg><p>out</p></svg>',
  '<math><mi>x</mi></math>',
  '<template><b>t</b></template>',
  '<pre>\nx</pre>',
  '<textarea>',
  '<script>',
  '<style>b{}',
  '<title>t',
  '<xmp>',
  '</body>',
  '<body class="z">',
  '<html>',
];

/** Mostly well-formed raw HTML; `hostile` mixes in the hostile corpus. */
export function htmlValue(rng: Rng, hostile = true): string {
  return hostile && rng.chance(0.35) ? rng.pick(HOSTILE_HTML) : rng.pick(HTML_VALUES);
}

export function flagValue(rng: Rng): unknown {
  return rng.weighted(FLAG_VALUES);
}

/** Values that all render nothing in `{{#x}}` and the body in `{{^x}}`. */
const FALSY_VALUES: readonly unknown[] = [false, 0, '', null, undefined, []];
/** Truthy scalars: `{{#x}}` renders its body once for each (they differ only for `{{.}}`). */
const TRUTHY_VALUES: readonly unknown[] = [true, 1, 'yes'];
/** Values that all render the empty string in `{{x}}`. */
const EMPTY_TEXT: readonly unknown[] = ['', null, undefined];

/**
 * Another value that renders like `value` where a field of this kind is
 * used (a different type, the same output), or null when there is none: the
 * changes that must produce no update at all.
 */
export function sameOutputValue(kind: 'text' | 'html' | 'flag' | 'object' | 'list', value: unknown, rng: Rng): { value: unknown } | null {
  const other = (pool: readonly unknown[]): { value: unknown } => {
    const picked = rng.pick(pool.filter((v) => !Object.is(v, value)));
    return { value: Array.isArray(picked) ? [] : picked }; // a fresh array: later steps may fill it in place
  };
  switch (kind) {
    case 'text':
    case 'html':
      if (EMPTY_TEXT.includes(value)) return other(EMPTY_TEXT);
      if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
      if (typeof value === 'string' && String(Number(value)) === value) return { value: Number(value) };
      return null;
    case 'flag':
      return other(isFalsy(value) ? FALSY_VALUES : TRUTHY_VALUES);
    case 'object':
    case 'list':
      // An empty list, null and false all render nothing in `{{#x}}`; a non-empty value has no twin.
      return isFalsy(value) ? other(FALSY_VALUES) : null;
  }
}

function isFalsy(value: unknown): boolean {
  return !value || (Array.isArray(value) && value.length === 0);
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
