import { ROOT_ID, type Update } from '@statetemplate/protocol';

/**
 * An update with its place in the session's sequence (1, 2, 3, ... across
 * renders and instances). A root replace of a topic session says which
 * topic sequence number its shared regions show (`at`).
 */
export type SessionUpdate = Update & { seq: number; at?: number };

/**
 * `update` numbered `seq`, in an object of its own. Built field by field
 * rather than spread: every session update then has the same shape, which
 * keeps copying and encoding them fast.
 */
export function numbered(update: Update & { at?: number }, seq: number): SessionUpdate {
  const { fragment_id, html, action, timestamp, ref, attrs, stream, limit } = update;
  const result: SessionUpdate = { fragment_id, html, action, timestamp, seq };
  if (ref !== undefined) result.ref = ref;
  if (attrs !== undefined) result.attrs = attrs;
  if (stream !== undefined) result.stream = stream;
  if (limit !== undefined) result.limit = limit;
  if (update.at !== undefined) result.at = update.at;
  return result;
}

/** The whole page at sequence `seq`, for a client whose missed updates are no longer kept. */
export interface Resync {
  resync: string;
  seq: number;
  /** A topic session's: the topic sequence number its shared regions show. */
  at?: number;
}

/** A resync as the single update that brings any DOM to it: a replace of the root, stamped `timestamp`. */
export function rootReplace(snapshot: Resync, timestamp: number): SessionUpdate {
  const replace: SessionUpdate = { fragment_id: ROOT_ID, action: 'replace', html: snapshot.resync, timestamp, seq: snapshot.seq };
  if (snapshot.at !== undefined) replace.at = snapshot.at;
  return replace;
}

/** Rough memory an update holds; bounds buffers and logs by size, not just count. */
export function weight(update: Update): number {
  return update.html.length + 64;
}
