import { Cluster, Redis, type ClusterNode, type ClusterOptions, type RedisOptions } from 'ioredis';
import { checkLogger, StoreError, type LogAppend, type Logger, type SessionRecord, type SessionStore } from '@statetemplate/store';
import { clusterFailFastOptions, Connection, failFastOptions, isCluster } from './connection.js';
import { defaultPrefix, defaultShards, keyLayout, type KeyLayout } from './key-layout.js';
import { ChunkCodec } from './chunks.js';
import { checkRecord, decodeRecord, requireId, requireTime, ttlUntil } from './record-codec.js';
import { withScripts, type ScriptedRedis, type SessionScripts } from './scripts.js';
import { Subscriptions } from './subscriptions.js';
import { WrittenChunks } from './written-chunks.js';

export const defaultRedisUrl = 'redis://127.0.0.1:6379';

export interface RedisSessionStoreOptions {
  /**
   * A client to use instead of opening one: a `Redis`, or a `Cluster` for
   * Redis Cluster (sharded pub/sub then runs on a duplicate of it with
   * `shardedSubscribers`). The store neither changes its options nor closes
   * it; give it `failFastOptions` (a Cluster: `clusterFailFastOptions`) for bounded failures.
   */
  client?: Redis | Cluster;
  /** Where to connect when no client is given; default `redis://127.0.0.1:6379`. */
  url?: string;
  /** A Redis Cluster to open (and close) instead: its startup nodes, and ioredis Cluster options over `clusterFailFastOptions`. */
  cluster?: { nodes: ClusterNode[]; options?: ClusterOptions };
  /** ioredis options for the client the store opens, over `failFastOptions`. */
  redis?: RedisOptions;
  /** Prefix of every key and channel, without `{` or `}`; default `statetemplate:`. */
  prefix?: string;
  /**
   * Shards of the key space (hash tags `{s0}` … ), each with its own expiry
   * index, so that in a Redis Cluster no key is hot and no script crosses
   * slots; default 32. Every instance of one prefix must use the same number.
   */
  shards?: number;
  /**
   * Writes wait until this many replicas have them (`WAIT`, sent with the
   * write to the same node): with asynchronous replication a failover can
   * otherwise drop writes Redis acknowledged. A write not on enough replicas
   * within `timeoutMs` (default 500) rejects with StoreError('timeout'): it
   * happened on the primary, and may or may not survive a failover. Costs a
   * round trip to the replicas per write. Default: no waiting.
   */
  durability?: { replicas: number; timeoutMs?: number };
  /**
   * Background failures: connection errors (operations report them as well)
   * and exceptions thrown by subscribe listeners. By default connection errors
   * are dropped and listener exceptions logged with console.error (or to
   * the logger, when there is one).
   */
  onError?: (error: unknown) => void;
  /**
   * Where the store says what happened (pino's shape): a connection to
   * Redis failing (warn, once however often ioredis retries) and back
   * (info), and a subscription that failed: a listener that threw, an
   * unsubscribe or a resubscription (error). Operations reject
   * with StoreError as ever; a StateTemplate logs their failures to its own
   * logger. Default: none.
   */
  logger?: Logger;
}

/** A SessionStore in Redis: shared by every instance that uses the same server and prefix. */
/** Ids per ZMSCORE of existing(). */
const EXISTING_BATCH = 1_000;

export class RedisSessionStore implements SessionStore {
  private readonly connection: Connection;
  private readonly client: ScriptedRedis;
  private readonly keys: KeyLayout;
  private readonly subscriptions: Subscriptions;
  private closed = false;
  private readonly durability: { replicas: number; timeoutMs: number } | undefined;
  /** Record data goes to Redis as content-addressed chunks: a render writes the few that changed. */
  private readonly codec = new ChunkCodec();
  private readonly written = new WrittenChunks();

  constructor(options: RedisSessionStoreOptions = {}) {
    const { onError } = options;
    const logger = options.logger === undefined ? undefined : checkLogger(options.logger);
    const client = options.client ?? open(options);
    this.connection = new Connection(client, options.client === undefined, { onError, logger, role: 'commands' });
    // A Cluster takes the same commands as a Redis, routed by key.
    this.client = withScripts(client as Redis);
    this.durability = durabilityOf(options.durability);
    this.keys = keyLayout(options.prefix ?? defaultPrefix, options.shards ?? defaultShards);
    // A connection in subscriber mode can run nothing else, hence a second one.
    this.subscriptions = new Subscriptions(
      () => new Connection(isCluster(client) ? client.duplicate(undefined, { shardedSubscribers: true }) : client.duplicate(), true, { onError, logger, role: 'subscriber' }),
      onError ?? listenerReport(logger),
    );
  }

  async create(record: SessionRecord): Promise<void> {
    const r = checkRecord(record);
    const { root, chunks } = this.codec.encode(record.data);
    const fields = [...chunks].flatMap(([key, content]) => [`c:${key}`, content()]);
    this.written.forget(r.id);
    const created = await this.write('create', (to) =>
      to.stCreate(this.keys.session(r.id), this.keys.expiry(r.id), this.keys.log(r.id), r.id, r.version, r.createdAt, r.expiresAt, ttlUntil(r.expiresAt), root, ...fields),
    (result) => result === 1);
    if (created !== 1) throw new StoreError('conflict', `session ${r.id} already exists`);
    this.written.set(r.id, r.version, new Set(chunks.keys()));
  }

  async get(id: string): Promise<SessionRecord | null> {
    requireId(id);
    const hash = await this.run('get', (client) => client.hgetall(this.keys.session(id)));
    const record = decodeRecord(id, hash, (root) => this.codec.decode(root, (key) => hash[`c:${key}`]));
    if (record !== null && hash.root !== undefined) {
      this.written.set(id, record.version, new Set(Object.keys(hash).filter((field) => field.startsWith('c:')).map((field) => field.slice(2))));
    }
    // Redis expires keys on its own clock; a record past its expiresAt is gone for the caller already.
    return record && record.expiresAt > Date.now() ? record : null;
  }

  /**
   * Sends the chunks the session's hash lacks at `record.version` (all of them
   * when this store does not know) and drops the ones no longer reached; the
   * script appends the log entries and publishes the message.
   */
  async update(record: SessionRecord, log?: LogAppend): Promise<SessionRecord> {
    const r = checkRecord(record);
    const entries = logEntries(log);
    const { root, chunks } = this.codec.encode(record.data);
    const held = this.written.at(r.id, r.version);
    const fields = [...chunks].flatMap(([key, content]) => (held?.has(key) ? [] : [`c:${key}`, content()]));
    const stale = held === null ? [] : [...held].filter((key) => !chunks.has(key)).map((key) => `c:${key}`);
    this.written.forget(r.id);
    const [version, createdAt] = await this.write('update', (to) =>
      to.stUpdate(
        this.keys.session(r.id),
        this.keys.expiry(r.id),
        this.keys.log(r.id),
        this.keys.updates(r.id),
        r.id,
        r.version,
        r.expiresAt,
        ttlUntil(r.expiresAt),
        root,
        held === null ? '1' : '0',
        log?.message === undefined ? '0' : '1',
        log?.message ?? '',
        entries.length,
        log?.keep ?? 0,
        ...entries,
        fields.length / 2,
        ...fields,
        ...stale,
      ),
    ([written]) => written > 0);
    if (version === -1) throw new StoreError('not_found', `session ${r.id} does not exist`);
    if (version === -2) throw new StoreError('conflict', `session ${r.id} changed since version ${r.version}`);
    this.written.set(r.id, version, new Set(chunks.keys()));
    return { ...record, version, createdAt: Number(createdAt) };
  }

  async touch(id: string, expiresAt: number): Promise<boolean> {
    requireId(id);
    requireTime('expiresAt', expiresAt);
    const touched = await this.write('touch', (to) => to.stTouch(this.keys.session(id), this.keys.expiry(id), this.keys.log(id), id, expiresAt, ttlUntil(expiresAt)), (result) => result === 1);
    return touched === 1;
  }

  async delete(id: string): Promise<boolean> {
    requireId(id);
    this.written.forget(id);
    const deleted = await this.write('delete', (to) => to.stDelete(this.keys.session(id), this.keys.expiry(id), this.keys.log(id), id), (result) => result === 1);
    return deleted === 1;
  }

  /** The session's log, a Redis list beside its hash (in its slot): a render appends its entries instead of rewriting a log in the record. */
  async readLog(id: string): Promise<string[]> {
    requireId(id);
    return this.run('readLog', (client) => client.lrange(this.keys.log(id), 0, -1));
  }

  async getExpired(before: number, limit?: number): Promise<string[]> {
    requireTime('before', before);
    if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) {
      throw new StoreError('invalid', 'limit must be a non-negative integer');
    }
    if (limit === 0) return [];
    // Every shard, at once; a limit takes as many from each, then the first `limit` of them all.
    const shards = await this.run('getExpired', (client) =>
      Promise.all(
        this.keys.expiries.map((key) =>
          limit === undefined ? client.zrangebyscore(key, '-inf', `(${before}`) : client.zrangebyscore(key, '-inf', `(${before}`, 'LIMIT', 0, limit),
        ),
      ),
    );
    const ids = shards.flat();
    return limit === undefined ? ids : ids.slice(0, limit);
  }

  /** From the expiry indexes alone: one ZMSCORE per shard and thousand ids, no record read. */
  async existing(ids: readonly string[]): Promise<string[]> {
    ids.forEach(requireId);
    const byShard = new Map<string, string[]>();
    for (const id of ids) {
      const key = this.keys.expiry(id);
      byShard.set(key, [...(byShard.get(key) ?? []), id]);
    }
    const batches = [...byShard].flatMap(([key, group]) =>
      Array.from({ length: Math.ceil(group.length / EXISTING_BATCH) }, (_, i) => [key, group.slice(i * EXISTING_BATCH, (i + 1) * EXISTING_BATCH)] as const),
    );
    const scores = await this.run('existing', (client) => Promise.all(batches.map(([key, batch]) => client.zmscore(key, ...batch))));
    // Redis expires keys on its own clock, as get() reads them.
    const now = Date.now();
    const live = new Set(batches.flatMap(([, batch], b) => batch.filter((_, i) => scores[b]![i] !== null && Number(scores[b]![i]) > now)));
    return ids.filter((id) => live.has(id));
  }

  /** Sessions in the expiry indexes: live ones plus expired ones not yet deleted by cleanup. */
  async count(): Promise<number> {
    const counts = await this.run('count', (client) => Promise.all(this.keys.expiries.map((key) => client.zcard(key))));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async publish(id: string, message: string): Promise<void> {
    requireId(id);
    if (typeof message !== 'string') throw new StoreError('invalid', 'message must be a string');
    await this.run('publish', (client) => client.spublish(this.keys.updates(id), message));
  }

  async subscribe(id: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    requireId(id);
    if (typeof listener !== 'function') throw new StoreError('invalid', 'listener must be a function');
    this.assertOpen('subscribe');
    return this.subscriptions.add(this.keys.updates(id), listener);
  }

  onResubscribe(listener: () => void): () => void {
    return this.subscriptions.onResubscribe(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([this.subscriptions.close(), this.connection.close()]);
  }

  /**
   * Runs a write script; with `durability`, in one pipeline with a WAIT (the
   * pipeline goes to the script's node), checked when the script did write.
   */
  private write<T>(operation: string, script: (to: SessionScripts) => Promise<T>, wrote: (result: T) => boolean): Promise<T> {
    const durability = this.durability;
    if (durability === undefined) return this.run(operation, (client) => script(client));
    return this.run(operation, async (client) => {
      const pipeline = client.pipeline();
      void script(pipeline as unknown as SessionScripts);
      pipeline.wait(durability.replicas, durability.timeoutMs);
      const [[failed, result], [waitFailed, replicas]] = (await pipeline.exec()) as [[Error | null, T], [Error | null, number]];
      if (failed) throw failed;
      if (waitFailed) throw waitFailed;
      if (wrote(result) && replicas < durability.replicas) {
        throw new StoreError('timeout', `redis ${operation}: ${replicas} of ${durability.replicas} replicas had the write within ${durability.timeoutMs} ms; a failover may drop it`);
      }
      return result;
    });
  }

  private run<T>(operation: string, send: (client: ScriptedRedis) => Promise<T>): Promise<T> {
    this.assertOpen(operation);
    return this.connection.run(operation, () => send(this.client));
  }

  private assertOpen(operation: string): void {
    if (this.closed) throw new StoreError('unavailable', `redis ${operation} failed: the store is closed`);
  }
}

/** A log append's entries, checked: a bad one rejects with `invalid` before Redis sees it. */
function logEntries(log: LogAppend | undefined): readonly string[] {
  if (log === undefined) return [];
  const { entries, keep, message } = log;
  if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string') || !Number.isSafeInteger(keep) || keep < 0 || !(message === undefined || typeof message === 'string')) {
    throw new StoreError('invalid', 'a log append is entries (strings), a whole number to keep and an optional message (a string)');
  }
  return entries;
}

/** The client the store opens and owns: a Cluster when asked for one, else a Redis. */
function open({ cluster, url, redis }: RedisSessionStoreOptions): Redis | Cluster {
  if (cluster === undefined) return new Redis(url ?? defaultRedisUrl, { ...failFastOptions, ...redis });
  const options = cluster.options ?? {};
  return new Cluster(cluster.nodes, { ...clusterFailFastOptions, ...options, redisOptions: { ...clusterFailFastOptions.redisOptions, ...options.redisOptions } });
}

function durabilityOf(durability: RedisSessionStoreOptions['durability']): { replicas: number; timeoutMs: number } | undefined {
  if (durability === undefined) return undefined;
  const { replicas, timeoutMs = 500 } = durability;
  if (!Number.isSafeInteger(replicas) || replicas < 1) throw new RangeError('durability.replicas must be a whole number >= 1');
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1) throw new RangeError('durability.timeoutMs must be a whole number >= 1');
  return { replicas, timeoutMs };
}

/** Where a listener's exception goes without onError: the logger, else the console (as before loggers). */
function listenerReport(logger: Logger | undefined): (error: unknown) => void {
  if (logger !== undefined) return (error) => logger.error({ err: error }, 'statetemplate: a store-redis subscription failed');
  return (error) => console.error('[statetemplate] store-redis listener failed:', error);
}
