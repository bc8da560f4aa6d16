/**
 * Fragment ids are paths. A region outside any list is its region id ("3").
 * A list item is its list's path plus `:` and the encoded key ("3:42").
 * A region inside an item adds `/` and the region id ("3:42/5"), and so on down.
 * Region ids are unique per compiled template, so no segment is needed for
 * regions nested in regions; only list items open a new scope.
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

/** The id of region `regionId` within `scope` (an item id, or '' at the top). */
export function regionFragmentId(scope: string, regionId: string): string {
  return scope === '' ? regionId : `${scope}/${regionId}`;
}
