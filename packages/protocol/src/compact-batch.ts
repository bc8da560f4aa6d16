/**
 * The compact wire form of a batch of updates: JSON arrays instead of
 * objects, so no field names travel, and one timestamp for the batch.
 *
 *   [at, entry, entry, …]
 *
 * - `at`: the first update's timestamp (integer milliseconds since the epoch);
 * - `[id, html]`: a `replace` (the commonest update);
 * - `[id, code, html?, ref?, limit?]`: any other action, `code` its index in
 *   ACTIONS, plus 8 or 16 for a stream's update (`stream` 1 or 2); `html` is
 *   left out when empty and nothing follows; a stream insert's `limit` comes
 *   last, right after `html` when there is no `ref`;
 * - `[id, 7, [[element, set, ...remove], …]]`: an `attrs`, each change the
 *   element's number, the attributes it gets, the names it loses;
 * - a number `n`: the updates after it were made at `at + n` (one render's
 *   updates share a timestamp, so only a batch spanning renders has these).
 */
import { optional, seq, string, text } from './checks.js';
import { ACTIONS, type AttributeChange, type Update } from './update.js';

export type CompactUpdate =
  | [id: string, html: string]
  | [id: string, code: number, html?: string, ref?: string | number, limit?: number]
  | [id: string, code: typeof ATTRS, changes: CompactChange[]];

type CompactChange = [element: number, set: string, ...remove: string[]];

/** ACTIONS.indexOf('attrs'). */
const ATTRS = 7;

/** ACTIONS.length: a stream update's code is its action's plus MODE times its `stream` (so `code >> 3` is the mode). */
const MODE = 8;

export type CompactBatch = [at: number, ...entries: (CompactUpdate | number)[]];

export function encodeUpdates(updates: readonly Update[]): CompactBatch {
  const at = updates[0]?.timestamp ?? 0;
  const batch: CompactBatch = [at];
  let time = at;
  for (const update of updates) {
    if (update.timestamp !== time) batch.push((time = update.timestamp) - at);
    batch.push(compact(update));
  }
  return batch;
}

function compact({ fragment_id: id, action, html, ref, attrs, stream, limit }: Update): CompactUpdate {
  const code = ACTIONS.indexOf(action) + MODE * (stream ?? 0);
  if (code === ATTRS) return [id, ATTRS, (attrs ?? []).map(({ element, set, remove = [] }) => [element, set, ...remove])];
  if (ref !== undefined) return limit === undefined ? [id, code, html, ref] : [id, code, html, ref, limit];
  if (limit !== undefined) return [id, code, html, limit];
  if (code === 0) return [id, html];
  return html === '' ? [id, code] : [id, code, html];
}

/** The updates a batch carries: one from encodeUpdates, or one parseServerMessage accepted. */
export function decodeUpdates([at, ...entries]: CompactBatch): Update[] {
  let timestamp = at;
  const updates: Update[] = [];
  for (const entry of entries) {
    if (typeof entry === 'number') timestamp = at + entry;
    else updates.push(decode(entry, timestamp)!);
  }
  return updates;
}

/** Why `value` is not a compact batch, or null when it is one. */
export function batchFault(value: readonly unknown[]): string | null {
  if (!Number.isSafeInteger(value[0])) return 'bad timestamp';
  for (let i = 1; i < value.length; i++) {
    const entry = value[i];
    if (!(Number.isSafeInteger(entry) || decode(entry, 0))) return 'bad update at ' + i;
  }
  return null;
}

const optionalString = /* @__PURE__ */ optional(string);
const isLimit = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;

/** Whether each change is an element's number, then strings: its attributes, and names (not empty) to remove. */
const isChanges = (changes: unknown): changes is CompactChange[] =>
  Array.isArray(changes) &&
  changes.length > 0 &&
  changes.every((c) => Array.isArray(c) && seq(c[0]) && string(c[1]) && c.slice(2).every(text));

/** The update a batch entry stands for, or null when it is not a well-formed one: decoding and validation are one walk. */
function decode(entry: unknown, timestamp: number): Update | null {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') return null;
  const [fragment_id, second, html, ref, limit] = entry as [string, unknown, unknown, unknown, unknown];
  if (typeof second === 'string') return entry.length === 2 ? { fragment_id, action: 'replace', html: second, timestamp } : null;
  if (second === ATTRS) {
    if (entry.length !== 3 || !isChanges(html)) return null;
    const attrs = html.map(([element, set, ...remove]): AttributeChange => (remove.length > 0 ? { element, set, remove } : { element, set }));
    return { fragment_id, action: 'attrs', html: '', attrs, timestamp };
  }
  // Codes past ACTIONS are stream updates, never an `attrs`. A limit comes last, after a ref or in its place.
  const code = second as number;
  const tail = entry.length < 5 ? optionalString(ref) || isLimit(ref) : typeof ref === 'string' && isLimit(limit);
  if (entry.length > 5 || !seq(code) || code >= 3 * MODE || code % MODE >= ATTRS || !optionalString(html) || !tail) return null;
  const update: Update = { fragment_id, action: ACTIONS[code % MODE]!, html: (html as string | undefined) ?? '', timestamp };
  if (typeof ref === 'string') update.ref = ref;
  else if (ref) update.limit = ref as number;
  if (limit) update.limit = limit as number;
  if (code >= MODE) update.stream = (code >> 3) as 1 | 2;
  return update;
}
