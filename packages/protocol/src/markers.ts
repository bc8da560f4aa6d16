/**
 * Annotation markers. They are the only things StateTemplate adds to the HTML,
 * so stripping them yields plain Mustache output byte for byte.
 *
 *   <!--[ID-->  starts region ID    <!--]-->  ends the innermost open region
 *   <!--:KEY--> starts a list item; it runs until the next item marker or the list's end marker
 */

export const REGION_END = '<!--]-->';

export function regionStart(id: string): string {
  return `<!--[${id}-->`;
}

export function itemMarker(encodedKey: string): string {
  return `<!--:${encodedKey}-->`;
}

/** Keys become `[A-Za-z0-9_%]` only, so they can never close a comment or break an id path. */
export function encodeKey(key: string): string {
  if (PLAIN_KEY.test(key)) return key;
  return encodeURIComponent(key).replace(
    /[-.!~*'()]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase(),
  );
}

const PLAIN_KEY = /^\w*$/;

export function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded);
}

export type Marker =
  | { kind: 'start'; id: string }
  | { kind: 'end' }
  | { kind: 'item'; key: string };

/** Classifies the data of a comment node; null for comments that are not ours. */
export function parseMarker(data: string): Marker | null {
  const c = data.charCodeAt(0);
  if (c === 91 /* [ */ && REGION_ID.test(data.slice(1))) return { kind: 'start', id: data.slice(1) };
  if (c === 93 /* ] */ && data.length === 1) return { kind: 'end' };
  if (c === 58 /* : */ && ITEM_KEY.test(data.slice(1))) return { kind: 'item', key: data.slice(1) };
  return null;
}

const REGION_ID = /^[0-9a-z]+$/;
const ITEM_KEY = /^[\w%]*$/;

/** Matches every marker in a piece of HTML. */
export const MARKER_PATTERN = /<!--(?:\[[0-9a-z]+|\]|:[\w%]*)-->/g;

/** Removes every annotation, giving exactly what plain Mustache renders. */
export function stripAnnotations(html: string): string {
  return html.replace(MARKER_PATTERN, '');
}
