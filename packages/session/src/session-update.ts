import { ROOT_ID, type Update } from '@statetemplate/protocol';

/** An update with its place in the session's sequence (1, 2, 3, ... across renders and instances). */
export type SessionUpdate = Update & { seq: number };

/**
 * `update` numbered `seq`, in an object of its own. Built field by field
 * rather than spread: every session update then has the same shape, which
 * keeps copying and encoding them fast.
 */
export function numbered(update: Update, seq: number): SessionUpdate {
  const { fragment_id, html, action, timestamp, ref } = update;
  const result: SessionUpdate = { fragment_id, html, action, timestamp, seq };
  if (ref !== undefined) result.ref = ref;
  return result;
}

/** The whole page at sequence `seq`, for a client whose missed updates are no longer kept. */
export interface Resync {
  resync: string;
  seq: number;
}

/** A resync as the single update that brings any DOM to it: a replace of the root, stamped `timestamp`. */
export function rootReplace(snapshot: Resync, timestamp: number): SessionUpdate {
  return { fragment_id: ROOT_ID, action: 'replace', html: snapshot.resync, timestamp, seq: snapshot.seq };
}

/** Rough memory an update holds; bounds buffers and logs by size, not just count. */
export function weight(update: Update): number {
  return update.html.length + 64;
}
