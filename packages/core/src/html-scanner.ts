/**
 * A small HTML tokenizer that follows the static text of a template, so the
 * compiler knows where each Mustache tag lands: in text content (where a
 * comment marker can sit beside it), inside a tag, or inside raw text.
 * It models just enough of the HTML parser (void elements, raw-text
 * elements, implied end tags, implied <tbody>, where SVG and MathML end) to
 * keep markers siblings.
 */

export type Mode = 'data' | 'tag' | 'attr_dq' | 'attr_sq' | 'raw' | 'comment' | 'other';

export interface OpenElement {
  name: string;
  /** Implied by the parser (an implicit <tbody>), not written in the template. */
  implied: boolean;
}

export interface ScanState {
  mode: Mode;
  /** Tag whose start tag, raw text or comment we are in ('' when none). */
  current: string;
  stack: OpenElement[];
  /** True right after a <pre>/<listing> start tag, where the parser drops a leading newline. */
  atPreStart: boolean;
}

export interface ScanEvents {
  /** A start tag's `<` at `offset` of the chunk. */
  startTagOpen(name: string, offset: number): void;
  /** The `>` ending a start tag (offset just after it); `closed` for void elements. */
  startTagClose(name: string, offset: number, closed: boolean): void;
  /** An end tag ending at `offset` (just after `>`); the stack is already updated. */
  endTag(name: string, offset: number): void;
  /** A comment's `<!--` at `offset`; `end` is just after its `-->`, or -1 when it goes on past this chunk. */
  commentOpen(offset: number, end: number): void;
  /** The `-->` of a comment opened in an earlier chunk, ending at `offset`. */
  commentClose(offset: number): void;
  /** Non-whitespace text where the parser would move it out of a table. */
  fostered(): void;
}

const VOID = new Set('area base br col embed hr img input link meta param source track wbr'.split(' '));
const RAW = new Set('script style textarea title xmp iframe noembed noframes noscript plaintext'.split(' '));
const TABLE_CONTEXT = new Set(['table', 'tbody', 'thead', 'tfoot', 'tr']);
/**
 * SVG and MathML integration points whose child elements are HTML (names
 * lowercased, as read). SVG's <title> is raw text here anyway; <annotation-xml
 * encoding="text/html"> is not told apart, as attributes are not read.
 */
const HTML_INSIDE = new Set('foreignobject desc mi mo mn ms mtext'.split(' '));
/** HTML start tags that end SVG or MathML content (and <font> with some attributes, not modelled). */
const BREAKS_OUT = new Set(
  'b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby s small span strike strong sub sup table tt u ul var'.split(' '),
);
const CLOSES_P = new Set(
  'address article aside blockquote details dialog div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul'.split(' '),
);
/** Start tag -> open elements it implicitly closes when they are the current node. */
const IMPLIED_END: Record<string, readonly string[]> = {
  li: ['li'],
  dt: ['dt', 'dd'],
  dd: ['dt', 'dd'],
  option: ['option'],
  optgroup: ['option', 'optgroup'],
  tr: ['tr', 'td', 'th'],
  td: ['td', 'th'],
  th: ['td', 'th'],
  tbody: ['tbody', 'thead', 'tfoot', 'tr', 'td', 'th'],
  thead: ['tbody', 'thead', 'tfoot', 'tr', 'td', 'th'],
  tfoot: ['tbody', 'thead', 'tfoot', 'tr', 'td', 'th'],
};

export function initialState(): ScanState {
  return { mode: 'data', current: '', stack: [], atPreStart: false };
}

export function cloneState(s: ScanState): ScanState {
  return { mode: s.mode, current: s.current, stack: s.stack.slice(), atPreStart: s.atPreStart };
}

export function sameState(a: ScanState, b: ScanState): boolean {
  if (a.mode !== b.mode || a.current !== b.current || a.stack.length !== b.stack.length) return false;
  return a.stack.every((e, i) => e.name === b.stack[i]!.name && e.implied === b.stack[i]!.implied);
}

/**
 * True where a comment marker stays exactly where it is written. Not inside
 * an HTML <template>: the parser puts its children into its content, where
 * the client never looks.
 */
export function commentSafe(s: ScanState): boolean {
  return s.mode === 'data' && !s.atPreStart && templateRoot(s) < 0;
}

/** The stack index of the outermost open HTML <template> (an SVG or MathML one is not special), or -1. */
export function templateRoot(s: ScanState): number {
  let foreign = false;
  for (let k = 0; k < s.stack.length; k++) {
    const { name } = s.stack[k]!;
    if (foreign) foreign = !HTML_INSIDE.has(name);
    else if (name === 'template') return k;
    else foreign = name === 'svg' || name === 'math';
  }
  return -1;
}

/** True where text may stand too: the parser moves text out of table structure. */
export function textSafe(s: ScanState): boolean {
  const top = s.stack[s.stack.length - 1];
  return commentSafe(s) && !(top && TABLE_CONTEXT.has(top.name));
}

const NAME_CHAR = /[^\s/>]/;
const isLetter = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c);

/** Advances `s` over a chunk of static text, reporting tag boundaries. */
export function scan(s: ScanState, text: string, events: ScanEvents): void {
  let i = 0;
  if (text.length > 0) s.atPreStart = false;
  while (i < text.length) {
    switch (s.mode) {
      case 'data': {
        const lt = text.indexOf('<', i);
        checkFoster(s, text.slice(i, lt < 0 ? text.length : lt), events);
        if (lt < 0) return;
        i = dataTag(s, text, lt, events);
        break;
      }
      case 'tag': {
        const c = text[i]!;
        if (c === '"') s.mode = 'attr_dq';
        else if (c === "'") s.mode = 'attr_sq';
        else if (c === '>') {
          i++;
          finishStartTag(s, text, i, events);
          continue;
        }
        i++;
        break;
      }
      case 'attr_dq':
      case 'attr_sq': {
        const q = text.indexOf(s.mode === 'attr_dq' ? '"' : "'", i);
        if (q < 0) return;
        s.mode = 'tag';
        i = q + 1;
        break;
      }
      case 'raw': {
        const end = findRawEnd(text, i, s.current);
        if (end < 0) return;
        const gt = text.indexOf('>', end);
        if (gt < 0) {
          s.mode = 'other';
          return;
        }
        i = gt + 1;
        closeElement(s, s.current, i, events);
        s.mode = 'data';
        s.current = '';
        break;
      }
      case 'comment': {
        const end = text.indexOf('-->', i);
        if (end < 0) return;
        i = end + 3;
        s.mode = 'data';
        events.commentClose(i);
        break;
      }
      case 'other': {
        const gt = text.indexOf('>', i);
        if (gt < 0) return;
        i = gt + 1;
        s.mode = 'data';
        break;
      }
    }
  }
}

function checkFoster(s: ScanState, text: string, events: ScanEvents): void {
  const top = s.stack[s.stack.length - 1];
  if (top && TABLE_CONTEXT.has(top.name) && /\S/.test(text)) events.fostered();
}

/** Handles the markup starting at `<` (offset lt); returns where scanning resumes. */
function dataTag(s: ScanState, text: string, lt: number, events: ScanEvents): number {
  const next = text[lt + 1];
  if (text.startsWith('<!--', lt)) {
    const end = text.indexOf('-->', lt + 4);
    events.commentOpen(lt, end < 0 ? -1 : end + 3);
    if (end < 0) {
      s.mode = 'comment';
      return text.length;
    }
    return end + 3;
  }
  if (next === '/' && isLetter(text[lt + 2])) {
    const name = readName(text, lt + 2);
    const gt = text.indexOf('>', lt + 2 + name.length);
    if (gt < 0) {
      s.mode = 'other';
      return text.length;
    }
    closeElement(s, name, gt + 1, events);
    return gt + 1;
  }
  if (isLetter(next)) {
    const name = readName(text, lt + 1);
    // The parser pops the SVG or MathML content, then reads the tag as HTML.
    const root = BREAKS_OUT.has(name) ? foreignRoot(s) : -1;
    if (root >= 0) s.stack.length = root;
    applyImpliedEnds(s, name);
    events.startTagOpen(name, lt);
    s.mode = 'tag';
    s.current = name;
    return lt + 1 + name.length;
  }
  if (next === '!' || next === '?' || next === undefined) {
    const gt = text.indexOf('>', lt);
    if (gt < 0) {
      s.mode = 'other';
      return text.length;
    }
    return gt + 1;
  }
  return lt + 1; // a lone '<' is text
}

function readName(text: string, from: number): string {
  let j = from;
  while (j < text.length && NAME_CHAR.test(text[j]!)) j++;
  return text.slice(from, j).toLowerCase();
}

function finishStartTag(s: ScanState, text: string, offset: number, events: ScanEvents): void {
  const name = s.current;
  const selfClosing = text[offset - 2] === '/' && foreignRoot(s) >= 0;
  if (VOID.has(name) || selfClosing) {
    s.mode = 'data';
    s.current = '';
    events.startTagClose(name, offset, true);
    return;
  }
  if (name === 'tr' && s.stack[s.stack.length - 1]?.name === 'table') {
    s.stack.push({ name: 'tbody', implied: true });
  }
  s.stack.push({ name, implied: false });
  events.startTagClose(name, offset, false);
  if (RAW.has(name)) {
    s.mode = 'raw';
  } else {
    s.mode = 'data';
    s.current = '';
    // Only a dynamic right after the tag is at the start; text in the same chunk moves past it.
    s.atPreStart = (name === 'pre' || name === 'listing') && offset === text.length;
  }
}

/**
 * Where the SVG or MathML content that a new tag goes into starts: the stack
 * index of its <svg> or <math>, or -1 in HTML, including HTML integration
 * points (<foreignObject>, <desc>, <mi>…), whose children are HTML again.
 * Only there does `/>` close an element.
 */
function foreignRoot(s: ScanState): number {
  for (let k = s.stack.length - 1; k >= 0; k--) {
    const { name } = s.stack[k]!;
    if (name === 'svg' || name === 'math') return k;
    if (HTML_INSIDE.has(name)) return -1;
  }
  return -1;
}

function applyImpliedEnds(s: ScanState, name: string): void {
  const closes = IMPLIED_END[name];
  for (;;) {
    const top = s.stack[s.stack.length - 1];
    if (!top) return;
    if ((closes && closes.includes(top.name)) || (top.name === 'p' && CLOSES_P.has(name))) {
      s.stack.pop();
      continue;
    }
    return;
  }
}

function closeElement(s: ScanState, name: string, offset: number, events: ScanEvents): void {
  for (let k = s.stack.length - 1; k >= 0; k--) {
    if (s.stack[k]!.name === name) {
      s.stack.length = k;
      break;
    }
  }
  events.endTag(name, offset);
}

function findRawEnd(text: string, from: number, name: string): number {
  const lower = text.toLowerCase();
  let at = from;
  for (;;) {
    const k = lower.indexOf('</' + name, at);
    if (k < 0) return -1;
    const after = lower[k + 2 + name.length];
    if (after === undefined || after === '>' || after === '/' || /\s/.test(after)) return k;
    at = k + 1;
  }
}
