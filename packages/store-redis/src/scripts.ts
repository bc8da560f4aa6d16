import type { Redis } from 'ioredis';

/*
 * Every write touches the session hash and the expiry index together, so each
 * runs as one Lua script: atomic, and never a half-written session.
 * KEYS[1] is the session hash, KEYS[2] the expiry index, KEYS[3] the session's log
 * (update's KEYS[4] its channel, in the same slot); ARGV[1] the id.
 * ioredis's defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT
 * (as after a Redis restart).
 */

// Chunk fields (c:<key>) go in batches: Lua's unpack has a bound on how many values it spreads.
const create = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[3])
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'createdAt', ARGV[3], 'expiresAt', ARGV[4], 'root', ARGV[6])
for i = 7, #ARGV, 2000 do redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 1999, #ARGV))) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1`;

// Compare-and-set on version: {-1} when gone, {-2} on a mismatch, else {new version, createdAt}.
// ARGV[6] '1' rewrites every chunk (the writer does not know which the hash holds); ARGV[7] '1' publishes
// ARGV[8] on KEYS[4] once written; ARGV[9] entries to append to the log, ARGV[10] how many of its last to
// keep, the entries; then the number of pairs of chunk fields to set, the pairs, then the chunk fields
// no longer reached, to delete.
const update = `
local current = redis.call('HMGET', KEYS[1], 'version', 'createdAt')
if not current[1] then return {-1} end
if tonumber(current[1]) ~= tonumber(ARGV[2]) then return {-2} end
local version = tonumber(current[1]) + 1
if ARGV[6] == '1' then
  local stale = {}
  for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
    if field == 'data' or string.sub(field, 1, 2) == 'c:' then stale[#stale + 1] = field end
  end
  for i = 1, #stale, 1000 do redis.call('HDEL', KEYS[1], unpack(stale, i, math.min(i + 999, #stale))) end
end
redis.call('HSET', KEYS[1], 'version', version, 'expiresAt', ARGV[3], 'root', ARGV[5])
local entries = tonumber(ARGV[9])
local pairsAt = 11 + entries
if entries > 0 then
  for i = 11, pairsAt - 1, 1000 do redis.call('RPUSH', KEYS[3], unpack(ARGV, i, math.min(i + 999, pairsAt - 1))) end
  local keep = tonumber(ARGV[10])
  if keep > 0 then redis.call('LTRIM', KEYS[3], -keep, -1) else redis.call('DEL', KEYS[3]) end
end
local last = pairsAt + 2 * tonumber(ARGV[pairsAt])
for i = pairsAt + 1, last, 2000 do redis.call('HSET', KEYS[1], unpack(ARGV, i, math.min(i + 1999, last))) end
for i = last + 1, #ARGV, 1000 do redis.call('HDEL', KEYS[1], unpack(ARGV, i, math.min(i + 999, #ARGV))) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[7] == '1' then redis.call('SPUBLISH', KEYS[4], ARGV[8]) end
return {version, current[2]}`;

const touch = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1`;

// An expired session may have left only its index entry; removing that counts as a delete.
const remove = `
redis.call('DEL', KEYS[3])
local removed = redis.call('DEL', KEYS[1]) + redis.call('ZREM', KEYS[2], ARGV[1])
if removed > 0 then return 1 end
return 0`;

type Key = string;
type Arg = string | number;

/** The scripts as commands on a client. */
export interface SessionScripts {
  stCreate(session: Key, expiry: Key, log: Key, id: string, version: Arg, createdAt: Arg, expiresAt: Arg, ttlMs: Arg, root: string, ...chunks: string[]): Promise<number>;
  stUpdate(
    session: Key,
    expiry: Key,
    log: Key,
    channel: Key,
    id: string,
    expectedVersion: Arg,
    expiresAt: Arg,
    ttlMs: Arg,
    root: string,
    full: '0' | '1',
    announce: '0' | '1',
    message: string,
    ...entriesThenChunksThenStale: Arg[]
  ): Promise<[number, string?]>;
  stTouch(session: Key, expiry: Key, log: Key, id: string, expiresAt: Arg, ttlMs: Arg): Promise<number>;
  stDelete(session: Key, expiry: Key, log: Key, id: string): Promise<number>;
}

export type ScriptedRedis = Redis & SessionScripts;

/** Defines the scripts on `client` (idempotent) and returns it typed with them. */
export function withScripts(client: Redis): ScriptedRedis {
  const scripts: Record<keyof SessionScripts, [lua: string, numberOfKeys: number]> = { stCreate: [create, 3], stUpdate: [update, 4], stTouch: [touch, 3], stDelete: [remove, 3] };
  for (const [name, [lua, numberOfKeys]] of Object.entries(scripts)) client.defineCommand(name, { numberOfKeys, lua });
  return client as ScriptedRedis;
}
