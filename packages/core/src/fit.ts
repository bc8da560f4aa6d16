import { parseMarker } from '@statetemplate/protocol';
import { defaultTreeAdapter as tree, parse, parseFragment, type DefaultTreeAdapterMap } from 'parse5';

/**
 * Whether a fragment's html can be patched alone: parsed where it goes, it
 * must give the nodes a fresh page has between its markers, keep its
 * markers siblings, and leave the text around it as it was. Markup the
 * template wrote is known to fit at compile time; output the author does not
 * control (raw values, lambdas) is checked here with parse5, the spec's own
 * parser, and only when it holds `<` or `&`.
 */

type Node = DefaultTreeAdapterMap['node'];
type ChildNode = DefaultTreeAdapterMap['childNode'];
type Element = DefaultTreeAdapterMap['element'];

/** Bits of a region's `lead`: what the output right before its start marker may end with. */
export const LEAD_CR = 1; // a CR: the parser would join it with a LF the region starts with
export const LEAD_REF = 2; // an unfinished character reference: the region's first characters could finish it
export const LEAD_TAG = 4; // an unfinished tag: anything after it would continue the tag
export const LEAD_ANY = LEAD_CR | LEAD_REF | LEAD_TAG;

const LEADING_MARKERS = /^(?:<!--(?:\[[0-9a-z]+|\]|:[\w%]*)-->)+/;

/**
 * Whether html can follow a start marker without its first characters
 * joining what `lead` says comes before on a fresh page (a CR with a LF,
 * `&amp` with `;`, `<a` with `b>`), markers set aside.
 */
export function leadFits(html: string, lead: number): boolean {
  if (lead === 0) return true;
  const text = html.replace(LEADING_MARKERS, '');
  if (lead & LEAD_TAG && text !== '') return false;
  if (lead & LEAD_CR && text.charCodeAt(0) === 10) return false;
  return !(lead & LEAD_REF && /^[\w#;]/.test(text));
}

/**
 * What html's last characters need from what follows to read the same:
 * LEAD_* bits for a CR, an unfinished reference or tag at its end (markers
 * set aside); 0 when nothing that follows can join it. Html that is only
 * markers passes on `before`, what may come before it.
 */
export function openEnd(html: string, before = 0): number {
  let end = html.length;
  // Without copying: most html ends in '>' (an end tag or marker) or plain text.
  while (html.endsWith('-->', end)) {
    const start = html.lastIndexOf('<!--', end - 3);
    if (start < 0 || !parseMarker(html.slice(start + 4, end - 3))) break;
    end = start;
  }
  if (end === 0) return before;
  const last = html.charCodeAt(end - 1);
  if (last === 62 /* > */) return 0;
  return (last === 13 ? LEAD_CR : 0) | (endsInReference(html, end) ? LEAD_REF : 0) | (endsInTag(html, end) ? LEAD_TAG : 0);
}

/** True when text (up to `end`) ends in `&` and name characters: a character reference the next text could finish. */
function endsInReference(text: string, end: number): boolean {
  for (let i = end - 1; i >= 0; i--) {
    const c = text[i]!;
    if (c === '&') return true;
    if (!/[#\w]/.test(c)) return false;
  }
  return false;
}

/** True when text (up to `end`) ends inside a tag or `<!`, `</`, `<?` not yet closed by `>`. */
function endsInTag(text: string, end: number): boolean {
  const lt = text.lastIndexOf('<', end - 1);
  if (lt < 0 || text.lastIndexOf('>', end - 1) > lt) return false;
  return lt === end - 1 || /[A-Za-z/!?]/.test(text[lt + 1]!);
}

/** A fragment's surroundings: the elements open where it starts, outermost first (lowercased). */
export interface Surroundings {
  prefix: string;
  /** The element the client parses the fragment in. */
  parent: Element;
  /** Whether text may follow the fragment where it is (not directly in table structure, a select or the head). */
  text: boolean;
}

// Random per process: data cannot forge the sentinels the checks look for.
const START = `st-fit-${Math.random().toString(36).slice(2)}`;
const END = `${START}-end`;
const NO_TEXT = new Set('table tbody thead tfoot tr select colgroup head html frameset'.split(' '));
const VERDICTS_KEPT = 1024;
const surroundings = new Map<string, Surroundings>();
const verdicts = new Map<string, boolean>();

/**
 * Whether `html`, written where the elements `open` are open, parses on a
 * fresh page into exactly the nodes the client's fragment parse makes of it
 * (in the context of the innermost open element), with balanced markers,
 * and leaves nothing open that would wrap the text after it.
 */
export function selfContained(open: readonly string[], html: string): boolean {
  if (!/[<&]/.test(html)) return true;
  const where = surroundingsOf(open);
  const key = `${where.prefix}\u0000${html}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    if (verdicts.size >= VERDICTS_KEPT) verdicts.clear();
    verdicts.set(key, (verdict = check(where, html)));
  }
  return verdict;
}

/**
 * Tags of the page's own elements: a `<body>` or `<html>` start tag puts its
 * attributes on the page's element, where no patch takes them off, and after
 * `</body>` the parser puts comments (markers) outside the body, away from
 * the text beside them. Raw output holding one is patched as the whole page.
 */
export const PAGE_TAGS = /<\/?(?:html|head|body|frameset)[\s/>]/i;

function check(where: Surroundings, html: string): boolean {
  if (PAGE_TAGS.test(html)) return false;
  const page = parse(`${where.prefix}<!--${START}-->${html}<!--${END}-->${where.text ? 'x' : ''}`);
  const start = findComment(page, START);
  const end = findComment(page, END);
  if (!start || !end || start.parentNode !== end.parentNode) return false;
  const siblings = start.parentNode!.childNodes;
  const from = siblings.indexOf(start);
  const to = siblings.indexOf(end);
  const after = siblings[to + 1];
  if (where.text && !(after && tree.isTextNode(after) && after.value === 'x')) return false;
  const between = siblings.slice(from + 1, to);
  // The client parses in the page's own document, with the page's scripting flag (on).
  const fragment = parseFragment(where.parent, html, { sourceCodeLocationInfo: true });
  // An end tag that closes nothing here (`</b>`) may close what an earlier fragment left open on the
  // page. `</p>` and `</br>` make an element of their own when they close nothing.
  if ((html.match(END_TAG)?.length ?? 0) !== closedBy(fragment)) return false;
  return markersKept(html, between) && dump(between) === dump(fragment.childNodes);
}

const END_TAG = /<\/(?!(?:p|br)[\s/>])[A-Za-z]/gi;

/** How many elements of the tree (but <p> and <br>) an end tag of the source closed. */
function closedBy(node: Node): number {
  if (!('childNodes' in node)) return 0;
  let closed = tree.isElementNode(node) && node.tagName !== 'p' && node.tagName !== 'br' && node.sourceCodeLocation?.endTag ? 1 : 0;
  for (const child of node.childNodes) closed += closedBy(child);
  if (tree.isElementNode(node) && node.tagName === 'template' && 'content' in node) closed += closedBy((node as DefaultTreeAdapterMap['template']).content);
  return closed;
}

/** Whether a page's markers pair up as siblings everywhere in it; `document` for a whole page, else body content. */
export function markersFit(html: string, document: boolean): boolean {
  const root = document ? parse(html) : parseFragment(surroundingsOf([]).parent, html, {});
  return markersKept(html, root.childNodes);
}

const MARKERS = /<!--(?:\[[0-9a-z]+|\]|:[\w%]*)-->/g;

/** Every marker written in html is a comment of the parsed nodes (not swallowed as text), and they pair up as siblings. */
function markersKept(html: string, nodes: readonly ChildNode[]): boolean {
  const written = html.match(MARKERS)?.length ?? 0;
  const counted = { markers: 0 };
  return markersBalanced(nodes, counted) && counted.markers === written;
}

/** Where a fragment inside the elements `open` parses, as a page would read it. */
export function surroundingsOf(open: readonly string[]): Surroundings {
  // The nodes' own lists of open elements are kept for good: found by identity, without building the prefix.
  let where = byList.get(open);
  if (!where) byList.set(open, (where = surroundingsByPrefix(open)));
  return where;
}

const byList = new WeakMap<readonly string[], Surroundings>();

function surroundingsByPrefix(open: readonly string[]): Surroundings {
  // Body content unless the template writes its own <html>.
  const prefix = `<!DOCTYPE html>${open[0] === 'html' ? '' : '<body>'}${open.map((name) => `<${name}>`).join('')}`;
  let where = surroundings.get(prefix);
  if (!where) {
    let parent = innermost(parse(prefix));
    where = { prefix, parent, text: parent.namespaceURI !== 'http://www.w3.org/1999/xhtml' || !NO_TEXT.has(parent.tagName) };
    surroundings.set(prefix, where);
  }
  return where;
}

/** The last element opened: the deepest last child element. */
function innermost(node: Node): Element {
  let found: Element | undefined;
  for (let at: Node | undefined = node; at && 'childNodes' in at; ) {
    const children: ChildNode[] = at.childNodes;
    at = children.findLast((c) => tree.isElementNode(c));
    if (at) found = at as Element;
  }
  return found!;
}

function findComment(node: Node, data: string): ChildNode | undefined {
  if (tree.isCommentNode(node)) return node.data === data ? node : undefined;
  if (!('childNodes' in node)) return undefined;
  for (const child of node.childNodes) {
    const found = findComment(child, data);
    if (found) return found;
  }
  return undefined;
}

/** Every sibling list, at every depth, opens and closes its regions in order; counts the markers met. */
function markersBalanced(nodes: readonly ChildNode[], counted: { markers: number }): boolean {
  let depth = 0;
  for (const node of nodes) {
    if (tree.isCommentNode(node)) {
      const marker = parseMarker(node.data);
      if (marker) counted.markers++;
      if (marker?.kind === 'start') depth++;
      else if (marker?.kind === 'end' && --depth < 0) return false;
    } else if (tree.isElementNode(node) && !markersBalanced(node.childNodes, counted)) return false;
  }
  return depth === 0;
}

/** The nodes written out with namespaces and attributes, template content included: equal text, equal trees. */
function dump(nodes: readonly ChildNode[]): string {
  let out = '';
  for (const node of nodes) {
    if (tree.isTextNode(node)) out += `t${JSON.stringify(node.value)}`;
    else if (tree.isCommentNode(node)) out += `c${JSON.stringify(node.data)}`;
    else if (tree.isElementNode(node)) {
      const attrs = node.attrs.map((a) => ` ${a.namespace ?? ''}:${a.name}=${JSON.stringify(a.value)}`).join('');
      const content = node.tagName === 'template' && 'content' in node ? dump((node as DefaultTreeAdapterMap['template']).content.childNodes) : '';
      out += `<${node.namespaceURI} ${node.tagName}${attrs}>${dump(node.childNodes)}${content}</>`;
    }
  }
  return out;
}
