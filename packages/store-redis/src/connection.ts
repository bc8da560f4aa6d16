import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { StoreError, type Logger } from '@statetemplate/store';
import { toStoreError } from './store-errors.js';

/**
 * ioredis settings under which a command fails within a bounded time instead
 * of waiting for Redis to come back, while reconnecting goes on in the background.
 */
export const failFastOptions = {
  // No queue: a command sent while disconnected rejects at once and never runs later.
  enableOfflineQueue: false,
  // Commands in flight when the connection drops reject instead of being resent after reconnecting.
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 1_000,
  connectTimeout: 1_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 50, 1_000),
} satisfies RedisOptions;

/**
 * The same for a Cluster: each node's commands fail fast and time out. The
 * cluster's own queue stays on: without it, a command for a node whose
 * connection is still opening is retried a moment later, behind the ones
 * sent after it, and one session's messages must keep their order. While the
 * cluster is down, the store refuses commands itself (it waits for `ready`
 * no longer than connectTimeout).
 */
export const clusterFailFastOptions = {
  clusterRetryStrategy: (attempt: number) => Math.min(attempt * 50, 1_000),
  redisOptions: failFastOptions,
} satisfies ClusterOptions;

export function isCluster(client: Redis | Cluster): client is Cluster {
  return (client as Cluster).isCluster === true;
}

/** How a connection tells of its failures: every error to `onError`, and to `logger` once when it goes down and once when it is back. */
export interface ConnectionReports {
  onError?: (error: Error) => void;
  logger?: Logger;
  /** Which of the store's connections, in log lines. */
  role: 'commands' | 'subscriber';
}

/** Statuses in which ioredis is (re)establishing a connection that may be ready shortly. */
const connecting = new Set(['wait', 'connecting', 'connect']);

/**
 * One ioredis client as the store uses it: commands run only on a ready
 * connection, failures become StoreErrors, and 'error' events never go unhandled.
 */
export class Connection {
  /** Why the connection is down: the latest error, or the close itself when Redis hung up cleanly. */
  private lastError: Error | undefined;
  private connecting: Promise<void> | null = null;
  /** Whether the logger was told the connection is down; ioredis retries (and errs) many times before it is back. */
  private down = false;
  private readonly onClientError = (error: Error): void => {
    this.lastError = error;
    this.reports.onError?.(error);
    if (this.down || this.reports.logger === undefined) return;
    this.down = true;
    this.reports.logger.warn({ role: this.reports.role, err: error }, 'statetemplate: redis connection failing');
  };
  private readonly onClientClose = (): void => {
    this.lastError ??= new Error('the connection to Redis closed');
  };
  private readonly onClientReady = (): void => {
    this.lastError = undefined;
    if (!this.down) return;
    this.down = false;
    this.reports.logger?.info({ role: this.reports.role }, 'statetemplate: redis connection back');
  };

  constructor(
    readonly client: Redis | Cluster,
    private readonly owned: boolean,
    private readonly reports: ConnectionReports,
  ) {
    client.on('error', this.onClientError).on('close', this.onClientClose).on('ready', this.onClientReady);
  }

  /** Runs `send` once the connection is ready; rejects with a StoreError on any failure. */
  async run<T>(operation: string, send: (client: Redis) => Promise<T>): Promise<T> {
    // A Cluster takes the same commands as a Redis, routed by key.
    const client = this.client as Redis;
    try {
      // Only a connection not ready yet costs an await: commands keep their call order.
      if (this.client.status !== 'ready') await this.ready();
      return await send(client);
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }

  /** Quits the client when the store created it; a caller's own client stays open. */
  async close(): Promise<void> {
    if (this.owned) {
      if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
      else this.client.disconnect();
    }
    this.client.off('error', this.onClientError).off('close', this.onClientClose).off('ready', this.onClientReady);
  }

  /**
   * Waits for a connection being established, bounded by connectTimeout; one
   * wait shared by all callers. Fails at once while Redis is away.
   */
  private ready(): Promise<void> {
    const { status } = this.client;
    if (!connecting.has(status)) {
      return Promise.reject(new StoreError('unavailable', `redis is not connected (${status})`, { cause: this.lastError }));
    }
    this.connecting ??= this.nextReady().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private nextReady(): Promise<void> {
    const { client } = this;
    if (client.status === 'wait') client.connect().catch(() => undefined);
    const withinMs = (isCluster(client) ? client.options.redisOptions?.connectTimeout : client.options.connectTimeout) ?? 10_000;
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: StoreError): void => {
        clearTimeout(timer);
        client.off('ready', onReady).off('close', onClose);
        if (error) reject(error);
        else resolve();
      };
      const onReady = (): void => settle();
      const onClose = (): void => settle(new StoreError('unavailable', 'redis could not connect', { cause: this.lastError }));
      const timer = setTimeout(() => settle(new StoreError('timeout', `redis not connected within ${withinMs} ms`)), withinMs);
      client.on('ready', onReady).on('close', onClose);
    });
  }
}
