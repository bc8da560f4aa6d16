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

/**
 * Matches every marker, and every comment that only looks like one because
 * it was escaped: `<!--` then one or more `!`, then a marker's content.
 * Output the page author does not control (raw values, lambdas) is written
 * with one `!` more (`escapeMarkers`), so no data is ever read as a marker.
 */
export const ANNOTATION_PATTERN = /<!--(!*)(\[[0-9a-z]+|\]|:[\w%]*)-->/g;

/** Writes marker-shaped comments in untrusted output with one `!` more; `stripAnnotations` takes it off. */
export function escapeMarkers(html: string): string {
  return html.includes('<!--') ? html.replace(ANNOTATION_PATTERN, '<!--!$1$2-->') : html;
}

/** Removes every annotation (markers, and the `!` escaping marker-shaped data), giving exactly what plain Mustache renders. */
export function stripAnnotations(html: string): string {
  if (!html.includes('<!--')) return html;
  // Two plain replaces: far faster than one with a function, on the diff's slow path.
  const plain = html.replace(MARKER, '');
  return plain.includes('<!--!') ? plain.replace(ESCAPED_MARKER, '<!--$1-->') : plain;
}

const MARKER = /<!--(?:\[[0-9a-z]+|\]|:[\w%]*)-->/g;
const ESCAPED_MARKER = /<!--!(!*(?:\[[0-9a-z]+|\]|:[\w%]*))-->/g;
