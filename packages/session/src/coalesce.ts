import { ROOT_ID, type Update } from '@statetemplate/protocol';

/**
 * Whether a later replace of one of `replaced` makes applying `older`
 * pointless: it does for anything inside a replaced fragment and for an older
 * replace of the fragment itself, but not for adds, removes or moves of the
 * fragment, which decide where (and whether) it exists. "Inside" is
 * protocol's isWithin, evaluated from the inner side: the fragments holding
 * an id are its prefixes that end before a `/` or `:` (and the root), so each
 * check costs the id's depth instead of a scan over every replace.
 */
function superseded(replaced: ReadonlySet<string>, older: Update): boolean {
  const id = older.fragment_id;
  if (replaced.has(id) && older.action === 'replace') return true;
  if (id !== ROOT_ID && replaced.has(ROOT_ID)) return true;
  for (let i = 1; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if ((c === 47 /* / */ || c === 58 /* : */) && replaced.has(id.slice(0, i))) return true;
  }
  return false;
}

/**
 * Drops every update that a newer replace supersedes, keeping the order of the
 * rest. Applying the result leaves the DOM exactly as applying all would.
 */
export function coalesce<U extends Update>(updates: readonly U[]): U[] {
  const replaced = new Set<string>();
  const kept: U[] = [];
  for (let i = updates.length - 1; i >= 0; i--) {
    const update = updates[i]!;
    if (superseded(replaced, update)) continue;
    kept.push(update);
    if (update.action === 'replace') replaced.add(update.fragment_id);
  }
  return kept.reverse();
}
