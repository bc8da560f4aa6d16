/**
 * Fragment ids are paths from the root. Each region adds its region id as a
 * segment ("3", then "3/5" for region 5 inside region 3). A list item is its
 * list's path plus `:` and the encoded key ("3:42"); regions inside it go on
 * with `/` ("3:42/7"). Region ids are unique per compiled template, so the
 * DOM markers carry only the last segment; the full path lets anyone tell
 * containment from the id alone (see isWithin).
 */

/** The whole rendered root. */
export const ROOT_ID = '0';

export interface IdSegment {
  /** Region id, unique within the template. */
  region: string;
  /** Encoded item key when the segment names a list item. */
  key?: string;
}

export function parseFragmentId(id: string): IdSegment[] {
  return id.split('/').map((part) => {
    const colon = part.indexOf(':');
    return colon < 0 ? { region: part } : { region: part.slice(0, colon), key: part.slice(colon + 1) };
  });
}

/** The id of an item of list `listId` (itself a full fragment id). */
export function itemFragmentId(listId: string, encodedKey: string): string {
  return `${listId}:${encodedKey}`;
}

/** The id of region `regionId` directly inside `parent` (a fragment id, or '' at the top). */
export function regionFragmentId(parent: string, regionId: string): string {
  return parent === '' ? regionId : `${parent}/${regionId}`;
}

/** True when fragment `inner` is `outer` itself or lies inside it. */
export function isWithin(inner: string, outer: string): boolean {
  if (outer === ROOT_ID || inner === outer) return true;
  if (!inner.startsWith(outer)) return false;
  const next = inner.charCodeAt(outer.length);
  return next === 47 /* / */ || next === 58 /* : */;
}
