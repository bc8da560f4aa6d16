/**
 * Where a store keeps things, all under one prefix, each session in one of
 * `shards` shards named by a hash tag (`{s7}`), so that a session's keys and
 * its shard's expiry index land in one Redis Cluster slot (its scripts never
 * cross slots) while the index is split `shards` ways (no key is hot):
 * - `<prefix>{sN}:session:<id>`  hash {version, createdAt, expiresAt, root, c:<key>… (the data's chunks)}, with a PEXPIRE TTL
 * - `<prefix>{sN}:expiry`        sorted set of the shard's ids scored by expiresAt (getExpired, count)
 * - `<prefix>{sN}:log:<id>`      list, the session's capped log (readLog), with the hash's TTL
 * - `<prefix>{sN}:updates:<id>`  sharded pub/sub channel (SPUBLISH) of the session's messages
 */
export interface KeyLayout {
  session(id: string): string;
  /** The expiry index of the shard holding `id`. */
  expiry(id: string): string;
  /** Every shard's expiry index. */
  readonly expiries: readonly string[];
  updates(id: string): string;
  log(id: string): string;
  /** The shard holding `id`, 0 to shards - 1. */
  shard(id: string): number;
}

export const defaultPrefix = 'statetemplate:';
export const defaultShards = 32;

/** TypeError for a prefix holding braces (they would make another hash tag) or a shard count that is not a whole number from 1 to 16,384. */
export function keyLayout(prefix: string, shards = defaultShards): KeyLayout {
  if (typeof prefix !== 'string' || /[{}]/.test(prefix)) throw new TypeError('a prefix must be a string without { or }');
  if (!Number.isSafeInteger(shards) || shards < 1 || shards > 16_384) throw new TypeError('shards must be a whole number from 1 to 16384');
  const tags = Array.from({ length: shards }, (_, n) => `${prefix}{s${n}}:`);
  const shard = (id: string) => fnv1a(id) % shards;
  const at = (id: string) => tags[shard(id)]!;
  return {
    session: (id) => `${at(id)}session:${id}`,
    expiry: (id) => `${at(id)}expiry`,
    expiries: tags.map((tag) => `${tag}expiry`),
    updates: (id) => `${at(id)}updates:${id}`,
    log: (id) => `${at(id)}log:${id}`,
    shard,
  };
}

/** 32-bit FNV-1a: session ids are random, so any even spread will do. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}
