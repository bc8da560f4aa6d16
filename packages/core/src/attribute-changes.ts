import type { AttributeChange } from '@statetemplate/protocol';
import { defaultTreeAdapter as tree, parseFragment, type DefaultTreeAdapterMap } from 'parse5';
import { surroundingsOf, type Surroundings } from './fit.js';

type ParentNode = DefaultTreeAdapterMap['parentNode'];

/** A start tag as written: its name, and its attributes' raw values by name (quotes kept; the first of a name counts, as in HTML). */
interface StartTag {
  readonly name: string;
  readonly attrs: Map<string, string>;
}

interface Scanned {
  readonly tags: StartTag[];
  /** The html without the start tags' attributes: equal for two versions that differ in attributes only. */
  readonly masked: string;
  /** Tags (names, end tags) and one `x` per text run, for the parse that places each start tag's element. */
  readonly skeleton: string;
}

/**
 * Tags whose elements the parser places by context or attributes (tables,
 * forms, foreign content, `<template>` content, the page's own elements):
 * a fragment holding one, or inside one, is replaced whole.
 */
const PLACED = new Set([
  'table', 'caption', 'colgroup', 'col', 'tbody', 'thead', 'tfoot', 'tr', 'td', 'th',
  'form', 'select', 'option', 'optgroup', 'datalist', 'template', 'svg', 'math',
  'html', 'head', 'body', 'frameset', 'frame', 'image',
]);

/** Elements whose content is text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);

/**
 * The attribute changes that turn the elements of `before` into those of
 * `after`, two versions of one fragment's html parsed where `open` says;
 * null unless they differ in start tags' attributes alone, and every
 * element is one a start tag wrote (none implied or rebuilt by the parser).
 * Elements are numbered in document order, as the client finds them.
 */
export function attributeChanges(before: string, after: string, open: readonly string[]): AttributeChange[] | null {
  // Inside the document's <html> or <body>, content parses as in any element (what their tags imply, place() catches).
  if (open.some((name) => PLACED.has(name) && name !== 'html' && name !== 'body')) return null;
  const old = scan(before);
  const next = old && scan(after);
  if (!next || next.masked !== old.masked || next.tags.length !== old.tags.length) return null;
  const changes: AttributeChange[] = [];
  let elements: Int32Array | null | undefined;
  for (let t = 0; t < next.tags.length; t++) {
    const change = changeOf(old.tags[t]!.attrs, next.tags[t]!.attrs);
    if (change === null) continue;
    elements ??= elementsOf(surroundingsOf(open), next.skeleton);
    const element = elements?.[t] ?? -1;
    if (element < 0) return null;
    changes.push({ element, ...change });
  }
  return changes.length > 0 ? changes : null;
}

/**
 * What to set (as attribute html) and what to remove, or null when the two
 * tags' attributes are the same. The client removes, then sets, and a new
 * attribute goes last: from the first attribute out of place on, every one
 * is removed and set again, so the order is a fresh page's.
 */
function changeOf(old: Map<string, string>, next: Map<string, string>): Omit<AttributeChange, 'element'> | null {
  if (sameNames(old, next)) {
    // The commonest change (a class, a title): the same names in the same order, some values new.
    let set = '';
    for (const [name, raw] of next) if (old.get(name) !== raw) set += (set === '' ? '' : ' ') + written(name, raw);
    return set === '' ? null : { set };
  }
  // The names the old list keeps, in its order: the new list must start with them, in that order, up to where it differs.
  const kept = [...old.keys()].filter((name) => next.has(name));
  const names = [...next.keys()];
  let from = 0;
  while (from < kept.length && names[from] === kept[from]) from++;
  const moved = new Set(from < kept.length ? names.slice(from) : []);
  const set = [...next].filter(([name, raw]) => moved.has(name) || old.get(name) !== raw).map(([name, raw]) => written(name, raw));
  const remove = [...old.keys()].filter((name) => !next.has(name) || (moved.has(name) && old.has(name)));
  if (set.length === 0 && remove.length === 0) return null;
  return remove.length > 0 ? { set: set.join(' '), remove } : { set: set.join(' ') };
}

function sameNames(old: Map<string, string>, next: Map<string, string>): boolean {
  if (old.size !== next.size) return false;
  const names = old.keys();
  for (const name of next.keys()) if (names.next().value !== name) return false;
  return true;
}

/** An attribute as html, unquoted where its value allows (fewer bytes, the same attribute). */
function written(name: string, raw: string): string {
  const value = raw.startsWith('"') || raw.startsWith("'") ? raw.slice(1, -1) : raw;
  if (value === '') return name;
  return /^[^\s"'=<>`]+$/.test(value) ? `${name}=${value}` : `${name}=${raw.startsWith("'") ? raw : `"${value}"`}`;
}

/** The HTML tokenizer's whitespace (tab, LF, FF, CR, space), by char code: a scan reads every character. */
const isSpace = (code: number): boolean => code === 32 || code === 10 || code === 9 || code === 12 || code === 13;
const isLetter = (code: number): boolean => (code | 32) >= 97 && (code | 32) <= 122;
const SLASH = 47;
const GT = 62;
const EQ = 61;

/** Reads html's tags as the HTML tokenizer does for the markup templates write; null for anything else (a doctype, a bogus comment, an unfinished tag). */
function scan(html: string): Scanned | null {
  const tags: StartTag[] = [];
  let masked = '';
  let skeleton = '';
  let copied = 0;
  let at = 0;
  for (let lt = html.indexOf('<'); lt >= 0; lt = html.indexOf('<', at)) {
    if (isText(html, at, lt)) skeleton += 'x';
    const next = html.charCodeAt(lt + 1);
    if (isLetter(next)) {
      let i = lt + 1;
      for (let c = html.charCodeAt(i); i < html.length && !isSpace(c) && c !== SLASH && c !== GT; c = html.charCodeAt(++i));
      const name = html.slice(lt + 1, i).toLowerCase();
      if (PLACED.has(name)) return null;
      const attrsFrom = i;
      const attrs = new Map<string, string>();
      for (;;) {
        for (let c = html.charCodeAt(i); i < html.length && (isSpace(c) || c === SLASH); c = html.charCodeAt(++i));
        if (i >= html.length) return null;
        if (html.charCodeAt(i) === GT) break;
        let end = i;
        for (let c = html.charCodeAt(end); end < html.length && !isSpace(c) && c !== SLASH && c !== GT && c !== EQ; c = html.charCodeAt(++end));
        const attr = html.slice(i, end).toLowerCase();
        if (attr === '' || /["'<]/.test(attr)) return null;
        i = end;
        while (i < html.length && isSpace(html.charCodeAt(i))) i++;
        let raw = '';
        if (html.charCodeAt(i) === EQ) {
          i++;
          while (i < html.length && isSpace(html.charCodeAt(i))) i++;
          const quote = html[i];
          if (quote === '"' || quote === "'") {
            const close = html.indexOf(quote, i + 1);
            if (close < 0) return null;
            raw = html.slice(i, close + 1);
            i = close + 1;
          } else {
            const start = i;
            for (let c = html.charCodeAt(i); i < html.length && !isSpace(c) && c !== GT; c = html.charCodeAt(++i));
            raw = html.slice(start, i);
          }
        }
        if (!attrs.has(attr)) attrs.set(attr, raw);
      }
      tags.push({ name, attrs });
      masked += html.slice(copied, attrsFrom);
      copied = i;
      skeleton += `<${name}>`;
      at = i + 1;
      if (RAW_TEXT.has(name)) {
        const close = html.toLowerCase().indexOf(`</${name}`, at);
        at = close < 0 ? html.length : close;
      }
    } else if (next === SLASH) {
      // Without a letter after it, `</` opens a bogus comment (or is nothing, as `</>`): not markup this reads.
      if (!isLetter(html.charCodeAt(lt + 2))) return null;
      const gt = html.indexOf('>', lt);
      if (gt < 0) return null;
      skeleton += html.slice(lt, gt + 1).toLowerCase();
      at = gt + 1;
    } else if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      if (close < 0) return null;
      at = close + 3;
    } else if (next === 33 || next === 63) {
      // `<!` (a doctype, CDATA, a bogus comment) or `<?`.
      return null;
    } else {
      // A `<` that opens nothing is text.
      skeleton += 'x';
      at = lt + 1;
    }
  }
  if (isText(html, at, html.length)) skeleton += 'x';
  return { tags, masked: masked + html.slice(copied), skeleton };
}

/**
 * Whether html[from, to) is text the tree builder inserts: in body, a text
 * run (whitespace too) reopens the formatting elements a closed one left
 * open, so the skeleton keeps each run as one character. NUL is dropped.
 */
function isText(html: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (html.charCodeAt(i) !== 0) return true;
  return false;
}

/** Per start tag of a skeleton, the document-order number of the element it makes where it is parsed; null when the parser implies or rebuilds one. */
const placements = new Map<string, Int32Array | null>();
const PLACEMENTS_KEPT = 1_000;

function elementsOf(where: Surroundings, skeleton: string): Int32Array | null {
  const key = `${where.prefix}\u0000${skeleton}`;
  let found = placements.get(key);
  if (found === undefined) {
    if (placements.size >= PLACEMENTS_KEPT) placements.clear();
    placements.set(key, (found = place(where.parent, skeleton)));
  }
  return found;
}

function place(parent: ParentNode, skeleton: string): Int32Array | null {
  // Offsets of each start tag, in the order written.
  const starts: number[] = [];
  for (let i = skeleton.indexOf('<'); i >= 0; i = skeleton.indexOf('<', i + 1)) if (skeleton[i + 1] !== '/') starts.push(i);
  const byOffset = new Map(starts.map((offset, t) => [offset, t]));
  const elements = new Int32Array(starts.length).fill(-1);
  let count = 0;
  const walk = (node: ParentNode): boolean => {
    for (const child of node.childNodes) {
      if (!tree.isElementNode(child)) continue;
      const t = byOffset.get(child.sourceCodeLocation?.startTag?.startOffset ?? -1);
      // No tag of its own (implied), or a second element of one tag (a formatting element rebuilt).
      if (t === undefined || elements[t] !== -1) return false;
      elements[t] = count++;
      if (!walk(child)) return false;
    }
    return true;
  };
  return walk(parseFragment(parent as DefaultTreeAdapterMap['element'], skeleton, { sourceCodeLocationInfo: true })) ? elements : null;
}
